import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import OrganisationFactory, make_user


@pytest.fixture(autouse=True)
def _log_keys_in_tmp(settings, tmp_path, monkeypatch):
    """The transparency log's signing keys of each test live in its own directory (never in the project's var/),
    and no key or origin comes from the environment."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("LAWBRIDGE_LOG_SIGNING_KEY", raising=False)
    monkeypatch.delenv("LAWBRIDGE_LOG_ORIGIN", raising=False)


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, end any session still attached to the test database (a live-server thread can
    outlive its last request) so the database can be dropped at the end of the run."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
