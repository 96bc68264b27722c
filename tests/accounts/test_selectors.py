"""Selectors return exactly what the asking user may see, in a bounded number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lawbridge.accounts import selectors
from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.models import Membership, Organisation
from tests.factories import ALL_ROLES, SEES_ALL, OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

HAS_FIGURES = {Role.PLATFORM_ADMIN, Role.SUPERVISOR, Role.WORKSTATION_STAFF, Role.SUBCENTER_STAFF, Role.CENTER_STAFF}


@pytest.fixture
def others(db):
    """Organisations of every kind that the user under test does not belong to."""
    return [OrganisationFactory(kind=kind) for kind in OrganisationKind]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_organisation_list_per_role(role, others):
    user = make_user(role)
    own = set(Organisation.objects.filter(memberships__user=user))
    assert len(own) == 1
    result = list(selectors.organisation_list(user=user))
    assert len(result) == len(set(result))  # no duplicates
    if role in SEES_ALL:
        assert set(result) == set(Organisation.objects.all())
    else:
        assert set(result) == own


def test_an_individual_sees_no_organisation(others):
    assert list(selectors.organisation_list(user=make_user(None))) == []


def test_anonymous_sees_no_organisation(others):
    assert list(selectors.organisation_list(user=AnonymousUser())) == []


def test_a_member_sees_each_of_its_organisations_once(others):
    first, second = OrganisationFactory(name="Alpha"), OrganisationFactory(name="Beta")
    user = make_user(Role.ENTERPRISE_ADMIN, organisation=first)
    Membership.objects.create(user=user, organisation=first, role=Role.ENTERPRISE_MEMBER)  # two roles, one org
    Membership.objects.create(user=user, organisation=second, role=Role.ENTERPRISE_MEMBER)
    assert list(selectors.organisation_list(user=user)) == [first, second]


def test_a_deactivated_membership_hides_the_organisation(others):
    organisation = OrganisationFactory()
    user = make_user(Role.ENTERPRISE_MEMBER, organisation=organisation)
    Membership.objects.filter(user=user).update(is_active=False)
    user.forget_cached_roles()
    assert list(selectors.organisation_list(user=user)) == []


def test_filter_by_kind(others):
    staff = make_user(Role.CENTER_STAFF)
    result = list(selectors.organisation_list(user=staff, kind=OrganisationKind.JUDICIAL))
    assert result and all(o.kind == OrganisationKind.JUDICIAL for o in result)
    assert set(result) == set(Organisation.objects.filter(kind=OrganisationKind.JUDICIAL))


def test_filter_by_query_matches_name_english_name_and_credit_code(others):
    staff = make_user(Role.SUPERVISOR)
    target = OrganisationFactory(name="杭州丝绸进出口有限公司", name_en="Hangzhou Silk Import Export Co.")
    assert list(selectors.organisation_list(user=staff, query="丝绸")) == [target]
    assert list(selectors.organisation_list(user=staff, query="silk import")) == [target]
    assert list(selectors.organisation_list(user=staff, query=target.uscc.lower())) == [target]
    assert list(selectors.organisation_list(user=staff, query=target.uscc[:10])) == []  # the code must match whole
    assert list(selectors.organisation_list(user=staff, query="no such company")) == []


def test_filters_do_not_widen_what_a_member_sees(others):
    mine = OrganisationFactory(name_en="Silk One")
    OrganisationFactory(name_en="Silk Two")
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=mine)
    assert list(selectors.organisation_list(user=member, query="silk")) == [mine]
    assert list(selectors.organisation_list(user=member, kind=OrganisationKind.ENTERPRISE)) == [mine]
    assert list(selectors.organisation_list(user=member, kind=OrganisationKind.GOVERNMENT)) == []


@pytest.fixture
def network(db):
    """A centre with twenty sub-organisations, each pointing at a parent."""
    center = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.CENTER)
    subs = [
        OrganisationFactory(
            kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.SUBCENTER, parent=center
        )
        for _ in range(10)
    ]
    for i in range(10):
        OrganisationFactory(
            kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.WORKSTATION, parent=subs[i]
        )
    return center


@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.SUPERVISOR, Role.CENTER_STAFF, Role.ENTERPRISE_MEMBER])
def test_organisation_list_does_not_query_per_organisation(role, network, django_assert_max_num_queries):
    user = make_user(role)
    if role == Role.ENTERPRISE_MEMBER:  # a member of many organisations with parents
        for org in Organisation.objects.exclude(memberships__user=user):
            Membership.objects.create(user=user, organisation=org, role=Role.ENTERPRISE_MEMBER)
    user = type(user).objects.get(pk=user.pk)  # no cached roles
    # Constant: the user's roles, ModelBackend's two permission lookups when the rules say no, then one
    # query for the organisations with their parents, however many there are.
    with django_assert_max_num_queries(4):
        rows = [(o.slug, o.parent.slug if o.parent_id else None) for o in selectors.organisation_list(user=user)]
    assert len(rows) >= 20
    assert sum(1 for _slug, parent in rows if parent) >= 20


@pytest.mark.parametrize("role", [*ALL_ROLES, None])
def test_platform_figures_per_role(role, others):
    user = make_user(role)
    figures = selectors.platform_figures(user=user)
    if role in HAS_FIGURES:
        assert set(figures) == {"organisations_by_kind", "users_by_type", "unverified_organisations"}
        assert sum(figures["organisations_by_kind"].values()) == Organisation.objects.count()
    else:
        assert figures == {}


def test_platform_figures_for_anonymous_are_empty(others):
    assert selectors.platform_figures(user=AnonymousUser()) == {}


def test_platform_figures_count_unverified_organisations(others):
    OrganisationFactory(is_verified=False)
    OrganisationFactory(is_verified=False)
    figures = selectors.platform_figures(user=make_user(Role.SUPERVISOR))
    assert figures["unverified_organisations"] == 2


def test_organisations_awaiting_verification_only_for_verifiers(others):
    waiting = OrganisationFactory(is_verified=False)
    assert list(selectors.organisations_awaiting_verification(user=make_user(Role.CENTER_STAFF))) == [waiting]
    assert list(selectors.organisations_awaiting_verification(user=make_user(Role.ENTERPRISE_ADMIN))) == []
