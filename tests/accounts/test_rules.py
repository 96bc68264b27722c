"""The permission truth table of accounts/rules.py and core/rules.py, for every role, an individual and anonymous.

The tables below are the specification, written out by hand from reading rules.py. Each test asks
``user.has_perm`` (what pages, the API and selectors ask), so anything Django adds on top of the rules
(for example the superuser shortcut) shows up here too.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from lawbridge.accounts.choices import ENTERPRISE_ROLES, ROLES_BY_KIND, OrganisationKind, Role
from lawbridge.accounts.models import Membership
from lawbridge.accounts.rules import roles_inviter_may_grant
from lawbridge.core.models import Notification
from tests.factories import ALL_ROLES, SEES_ALL, OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

INDIVIDUAL = "individual"
ANONYMOUS = "anonymous"
SUBJECTS = [*ALL_ROLES, INDIVIDUAL, ANONYMOUS]


def table(*true_for: str) -> dict[str, bool]:
    """Role -> expected bool, True exactly for ``true_for``; every subject appears."""
    unknown = set(true_for) - set(SUBJECTS)
    assert not unknown, unknown
    return {subject: subject in true_for for subject in SUBJECTS}


MEMBER_ROLES = tuple(ALL_ROLES)  # every role is held through a membership of "own" organisation
NETWORK_STAFF = (Role.WORKSTATION_STAFF, Role.SUBCENTER_STAFF, Role.CENTER_STAFF)

# (permission, which object it is asked about) -> role -> expected.
# "own": the organisation holding the user's membership (for an individual or anonymous, an
# organisation they have nothing to do with); "other": an organisation the user is no member of;
# "none": asked without an object. For notifications, "own" is the user's own notification
# (anonymous: someone else's), "other" is another user's.
TRUTH_TABLE: dict[tuple[str, str], dict[str, bool]] = {
    ("accounts.view_organisation", "own"): table(*MEMBER_ROLES),
    ("accounts.view_organisation", "other"): table(*SEES_ALL),
    ("accounts.change_organisation", "own"): table(Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN),
    ("accounts.change_organisation", "other"): table(Role.PLATFORM_ADMIN),
    # "other" organisations have no district, so only city-wide staff reach them (district cases: below).
    ("accounts.verify_organisation", "other"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("accounts.verify_organisation", "none"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("accounts.verify_organisations", "none"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF, Role.SUBCENTER_STAFF),
    ("accounts.view_members", "own"): table(*MEMBER_ROLES),
    ("accounts.view_members", "other"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("accounts.invite_member", "own"): table(Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN),
    ("accounts.invite_member", "other"): table(Role.PLATFORM_ADMIN),
    ("accounts.create_staff_account", "none"): table(Role.PLATFORM_ADMIN),
    ("accounts.view_audit_log", "other"): table(Role.PLATFORM_ADMIN, Role.SUPERVISOR, Role.CENTER_STAFF),
    ("accounts.view_platform_figures", "none"): table(Role.PLATFORM_ADMIN, Role.SUPERVISOR, *NETWORK_STAFF),
    ("accounts.view_all_organisations", "none"): table(*SEES_ALL),
    ("core.view_notification", "own"): table(*ALL_ROLES, INDIVIDUAL),
    ("core.view_notification", "other"): table(),
    ("core.view_task_status", "none"): table(Role.PLATFORM_ADMIN),
    ("core.use_admin_site", "none"): table(Role.PLATFORM_ADMIN),
}

# Cells where the app disagrees with rules.py: the test is expected to fail until the app is fixed.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def make_subject(subject: str):
    if subject == ANONYMOUS:
        return AnonymousUser()
    if subject == INDIVIDUAL:
        return make_user(None)
    return make_user(subject)


def own_organisation(user):
    membership = Membership.objects.filter(user=user).first() if user.is_authenticated else None
    return membership.organisation if membership else OrganisationFactory()


def target(user, perm: str, which: str):
    if which == "none":
        return None
    if perm.startswith("core.view_notification"):
        owner = user if which == "own" and user.is_authenticated else make_user(None)
        return Notification.objects.create(user=owner, kind="core.announcement", title="Hello")
    if which == "own":
        return own_organisation(user)
    return OrganisationFactory()


def truth_table_params():
    params = []
    for (perm, which), expected_by_subject in TRUTH_TABLE.items():
        for subject in SUBJECTS:
            marks = []
            if (perm, which, subject) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[(perm, which, subject)], strict=True))
            params.append(
                pytest.param(
                    perm, which, subject, expected_by_subject[subject], marks=marks, id=f"{perm}-{which}-{subject}"
                )
            )
    return params


def test_the_table_covers_every_permission_in_the_brief():
    assert {perm for perm, _which in TRUTH_TABLE} == {
        "accounts.view_organisation",
        "accounts.change_organisation",
        "accounts.verify_organisation",
        "accounts.verify_organisations",
        "accounts.view_members",
        "accounts.invite_member",
        "accounts.create_staff_account",
        "accounts.view_audit_log",
        "accounts.view_platform_figures",
        "accounts.view_all_organisations",
        "core.view_notification",
        "core.view_task_status",
        "core.use_admin_site",
    }
    for perm, _which in TRUTH_TABLE:
        assert rules.perm_exists(perm), perm


@pytest.mark.parametrize(("perm", "which", "subject", "expected"), truth_table_params())
def test_permission_truth_table(perm, which, subject, expected):
    user = make_subject(subject)
    obj = target(user, perm, which)
    assert user.has_perm(perm, obj) is expected


def test_the_notification_rule_itself_refuses_a_platform_admin_someone_elses_notification():
    """The rule is right; only Django's superuser shortcut in user.has_perm lets the admin through."""
    admin = make_user(Role.PLATFORM_ADMIN)
    other = Notification.objects.create(user=make_user(None), kind="core.announcement", title="Private")
    assert rules.has_perm("core.view_notification", admin, other) is False


def test_unknown_permissions_are_refused():
    """Default deny (for non-superusers: Django grants a superuser any permission name, even a made-up one)."""
    assert make_user(Role.CENTER_STAFF).has_perm("accounts.no_such_permission") is False
    assert AnonymousUser().has_perm("accounts.no_such_permission") is False


def test_an_inactive_membership_gives_nothing():
    organisation = OrganisationFactory()
    user = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation)
    Membership.objects.filter(user=user).update(is_active=False)
    user.forget_cached_roles()
    assert not user.has_perm("accounts.view_organisation", organisation)
    assert not user.has_perm("accounts.change_organisation", organisation)
    assert not user.has_perm("accounts.invite_member", organisation)
    assert roles_inviter_may_grant(user, organisation) == frozenset()


def test_an_inactive_user_cannot_see_anything():
    user = make_user(Role.CENTER_STAFF, is_active=False)
    assert not user.has_perm("accounts.view_all_organisations")
    assert not user.has_perm("accounts.view_organisation", OrganisationFactory())
    assert not user.has_perm("accounts.verify_organisation")


def test_an_inactive_enterprise_admin_may_not_change_or_invite():
    organisation = OrganisationFactory()
    user = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation, is_active=False)
    assert not user.has_perm("accounts.view_organisation", organisation)  # this part holds
    assert not user.has_perm("accounts.change_organisation", organisation)
    assert not user.has_perm("accounts.invite_member", organisation)
    assert roles_inviter_may_grant(user, organisation) == frozenset()


# --- roles_inviter_may_grant -------------------------------------------------------------------

GRANTABLE_IN_OWN_ORGANISATION = {subject: frozenset() for subject in SUBJECTS}
GRANTABLE_IN_OWN_ORGANISATION[Role.ENTERPRISE_ADMIN] = ENTERPRISE_ROLES
# A platform admin's own organisation is a government unit.
GRANTABLE_IN_OWN_ORGANISATION[Role.PLATFORM_ADMIN] = ROLES_BY_KIND[OrganisationKind.GOVERNMENT]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_roles_inviter_may_grant_in_own_organisation(subject):
    user = make_subject(subject)
    assert roles_inviter_may_grant(user, own_organisation(user)) == GRANTABLE_IN_OWN_ORGANISATION[subject]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_roles_inviter_may_grant_in_another_enterprise(subject):
    user = make_subject(subject)
    expected = ENTERPRISE_ROLES if subject == Role.PLATFORM_ADMIN else frozenset()
    assert roles_inviter_may_grant(user, OrganisationFactory(kind=OrganisationKind.ENTERPRISE)) == expected


@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_a_platform_admin_may_grant_every_role_the_kind_allows(kind):
    admin = make_user(Role.PLATFORM_ADMIN)
    assert roles_inviter_may_grant(admin, OrganisationFactory(kind=kind)) == ROLES_BY_KIND[kind]


def test_an_enterprise_admin_never_grants_staff_roles():
    organisation = OrganisationFactory()
    admin = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation)
    granted = roles_inviter_may_grant(admin, organisation)
    assert granted == {Role.ENTERPRISE_MEMBER, Role.ENTERPRISE_ADMIN}
    assert not granted & (set(Role) - ENTERPRISE_ROLES)


@pytest.mark.parametrize(
    ("role", "in_district", "view_members", "view_audit_log", "verify"),
    [
        (Role.SUBCENTER_STAFF, True, True, True, True),
        (Role.SUBCENTER_STAFF, False, False, False, False),
        (Role.WORKSTATION_STAFF, True, True, True, False),
        (Role.WORKSTATION_STAFF, False, False, False, False),
        (Role.CENTER_STAFF, False, True, True, True),
    ],
)
def test_district_staff_act_for_the_districts_they_serve(role, in_district, view_members, view_audit_log, verify):
    point = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, district_code="330108")
    staff = make_user(role, organisation=point)
    enterprise = OrganisationFactory(district_code="330108" if in_district else "330110", is_verified=False)
    assert staff.has_perm("accounts.view_members", enterprise) is view_members
    assert staff.has_perm("accounts.view_audit_log", enterprise) is view_audit_log
    assert staff.has_perm("accounts.verify_organisation", enterprise) is verify


def test_a_sub_centers_verification_queue_is_its_own_districts():
    from lawbridge.accounts.selectors import organisations_awaiting_verification

    point = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, district_code="330108")
    staff = make_user(Role.SUBCENTER_STAFF, organisation=point)
    mine = OrganisationFactory(district_code="330108", is_verified=False)
    OrganisationFactory(district_code="330110", is_verified=False)
    assert list(organisations_awaiting_verification(user=staff)) == [mine]
    center = make_user(Role.CENTER_STAFF)
    assert organisations_awaiting_verification(user=center).count() == 2
