import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import OrganisationFactory, make_user


@pytest.fixture(autouse=True)
def _reset_language_and_cache():
    translation.activate("en")
    cache.clear()
    yield
    translation.deactivate()


@pytest.fixture
def make_role_user(db):
    return make_user


@pytest.fixture
def enterprise(db):
    return OrganisationFactory()


@pytest.fixture
def individual(db):
    return make_user(None)
