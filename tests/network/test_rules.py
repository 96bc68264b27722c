"""The permission truth table of network/rules.py, for every role, an individual and anonymous.

The tables are the specification, written out by hand: who may see, change and verify experts and
institutions, who may import, export private columns and manage peer cities. Each test asks
``user.has_perm`` (what pages, the API and the services ask).
"""

import uuid
from functools import cached_property

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.models import Membership
from lawbridge.network import services
from lawbridge.network.choices import ReviewStatus
from lawbridge.network.models import Expert, Peer
from tests.factories import ALL_ROLES, OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.django_db

INDIVIDUAL = "individual"
ANONYMOUS = "anonymous"
SUBJECTS = [*ALL_ROLES, INDIVIDUAL, ANONYMOUS]
SIGNED_IN = [*ALL_ROLES, INDIVIDUAL]
NETWORK_STAFF = (Role.WORKSTATION_STAFF, Role.SUBCENTER_STAFF, Role.CENTER_STAFF)
# Staff who see every profile, verified or not.
SEES_EVERYTHING = (Role.PLATFORM_ADMIN, *NETWORK_STAFF, Role.SUPERVISOR)


def table(*true_for: str) -> dict[str, bool]:
    """Role -> expected bool, True exactly for ``true_for``; every subject appears."""
    unknown = set(true_for) - set(SUBJECTS)
    assert not unknown, unknown
    return {subject: subject in true_for for subject in SUBJECTS}


# (permission, object) -> subject -> expected.
# Objects: experts and institutions of "the" institution (verified, district 330108) whose institution_admin is
# the subject when the subject's role is institution_admin; "other_*" belong to another institution;
# "own_draft" is a draft profile whose account is the subject's; "external" was pulled from a peer city.
# Service-point staff work at a service point without a district here (district cases are tested below).
TRUTH_TABLE: dict[tuple[str, str], dict[str, bool]] = {
    ("network.view_expert", "verified"): table(*SUBJECTS),
    ("network.view_expert", "draft"): table(*SEES_EVERYTHING, Role.INSTITUTION_ADMIN),
    ("network.view_expert", "pending"): table(*SEES_EVERYTHING, Role.INSTITUTION_ADMIN),
    ("network.view_expert", "rejected"): table(*SEES_EVERYTHING, Role.INSTITUTION_ADMIN),
    ("network.view_expert", "own_draft"): table(*SIGNED_IN),
    ("network.view_expert", "other_draft"): table(*SEES_EVERYTHING),
    ("network.view_expert", "external"): table(*SUBJECTS),
    ("network.view_expert_private", "verified"): table(*SEES_EVERYTHING, Role.INSTITUTION_ADMIN),
    ("network.view_expert_private", "draft"): table(*SEES_EVERYTHING, Role.INSTITUTION_ADMIN),
    ("network.view_expert_private", "own_draft"): table(*SIGNED_IN),
    ("network.view_expert_private", "other_verified"): table(*SEES_EVERYTHING),
    ("network.view_expert_private", "external"): table(*SEES_EVERYTHING),
    ("network.change_expert", "verified"): table(Role.PLATFORM_ADMIN, Role.INSTITUTION_ADMIN),
    ("network.change_expert", "draft"): table(Role.PLATFORM_ADMIN, Role.INSTITUTION_ADMIN),
    ("network.change_expert", "own_draft"): table(*SIGNED_IN),
    ("network.change_expert", "other_verified"): table(Role.PLATFORM_ADMIN),
    ("network.change_expert", "external"): table(),
    ("network.verify_expert", "pending"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("network.verify_expert", "other_draft"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("network.verify_expert", "external"): table(),
    ("network.verify_experts", "none"): table(Role.PLATFORM_ADMIN, *NETWORK_STAFF),
    ("network.view_institution", "verified_institution"): table(*SUBJECTS),
    ("network.view_institution", "pending_institution"): table(*SEES_EVERYTHING, Role.INSTITUTION_ADMIN),
    ("network.view_institution", "other_pending_institution"): table(*SEES_EVERYTHING),
    ("network.change_institution", "verified_institution"): table(Role.PLATFORM_ADMIN, Role.INSTITUTION_ADMIN),
    ("network.change_institution", "pending_institution"): table(Role.PLATFORM_ADMIN, Role.INSTITUTION_ADMIN),
    ("network.change_institution", "other_pending_institution"): table(Role.PLATFORM_ADMIN),
    ("network.add_expert", "verified_institution"): table(Role.PLATFORM_ADMIN, Role.INSTITUTION_ADMIN),
    ("network.add_expert", "pending_institution"): table(Role.PLATFORM_ADMIN, Role.INSTITUTION_ADMIN),
    ("network.add_expert", "other_pending_institution"): table(Role.PLATFORM_ADMIN),
    ("network.verify_institution", "pending_institution"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("network.verify_institution", "other_pending_institution"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
    ("network.verify_institutions", "none"): table(Role.PLATFORM_ADMIN, *NETWORK_STAFF),
    ("network.apply_institution", "none"): table(*SIGNED_IN),
    ("network.import", "none"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF, Role.SUBCENTER_STAFF),
    ("network.export_private", "none"): table(*SEES_EVERYTHING),
    ("network.manage_peers", "none"): table(Role.PLATFORM_ADMIN),
    ("network.view_own_institution", "none"): table(Role.INSTITUTION_ADMIN),
    # Nobody here has an expert profile of their own; see test_an_expert_with_a_profile_has_the_shortcut.
    ("network.view_own_profile", "none"): table(),
    ("network.view_service_point", "own_point"): table(*SUBJECTS),
    ("network.change_service_point", "own_point"): table(Role.PLATFORM_ADMIN, *NETWORK_STAFF),
    ("network.change_service_point", "other_point"): table(Role.PLATFORM_ADMIN, Role.CENTER_STAFF),
}

# Cells where the app disagrees with the table: expected to fail until the app is fixed.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def test_the_table_covers_every_network_permission():
    network_perms = {name for name in rules.permissions.permissions if name.startswith("network.")}
    assert {perm for perm, _obj in TRUTH_TABLE} == network_perms


class World:
    """The subject and the objects of the table, built for one subject."""

    def __init__(self, subject: str):
        if subject == ANONYMOUS:
            self.user = AnonymousUser()
        elif subject == INDIVIDUAL:
            self.user = make_user(None)
        elif subject == Role.INSTITUTION_ADMIN:
            self.user = make_user(subject, organisation=self.institution.organisation)
        else:
            self.user = make_user(subject)

    @cached_property
    def institution(self):
        return make_institution(status=ReviewStatus.VERIFIED)

    def target(self, which: str):
        if which == "none":
            return None
        if which in ("verified", "draft", "pending", "rejected"):
            return make_expert(institution=self.institution, status=which)
        if which == "own_draft":
            expert = make_expert(institution=self.institution, status=ReviewStatus.DRAFT)
            if self.user.is_authenticated:
                Expert.objects.filter(pk=expert.pk).update(user=self.user)
                expert.refresh_from_db()
            return expert
        if which in ("other_draft", "other_verified"):
            return make_expert(status=which.removeprefix("other_"))
        if which == "external":
            peer = Peer.objects.create(name="shanghai", feed_url="https://sh.example/api/v1/network/shared-experts")
            return Expert.objects.create(
                kind="lawyer", name="外地专家", source=peer, external_id=uuid.uuid4(), status=ReviewStatus.VERIFIED
            )
        if which == "verified_institution":
            return self.institution
        if which == "pending_institution":
            type(self.institution).objects.filter(pk=self.institution.pk).update(status=ReviewStatus.PENDING)
            self.institution.refresh_from_db()
            return self.institution
        if which == "other_pending_institution":
            return make_institution(status=ReviewStatus.PENDING)
        if which in ("own_point", "other_point"):
            membership = Membership.objects.filter(user=self.user).first() if self.user.is_authenticated else None
            own = membership and membership.organisation.kind == OrganisationKind.SERVICE_POINT
            organisation = (
                membership.organisation
                if which == "own_point" and own
                else OrganisationFactory(kind=OrganisationKind.SERVICE_POINT)
            )
            return services.service_point_save(actor=None, organisation=organisation)
        raise AssertionError(which)


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


@pytest.mark.parametrize(("perm", "which", "subject", "expected"), truth_table_params())
def test_permission_truth_table(perm, which, subject, expected):
    world = World(subject)
    obj = world.target(which)
    assert world.user.has_perm(perm, obj) is expected


# --- verification by district ------------------------------------------------------------------------------


def district_staff(role: str, district_code: str):
    level = ServicePointLevel.SUBCENTER if role == Role.SUBCENTER_STAFF else ServicePointLevel.WORKSTATION
    point = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, district_code=district_code, service_point_level=level
    )
    return make_user(role, organisation=point)


@pytest.mark.parametrize("role", [Role.SUBCENTER_STAFF, Role.WORKSTATION_STAFF])
@pytest.mark.parametrize(("staff_district", "expected"), [("330108", True), ("330106", False)])
def test_district_staff_verify_only_in_their_districts(role, staff_district, expected):
    staff = district_staff(role, staff_district)
    institution = make_institution(status=ReviewStatus.PENDING, district_code="330108")
    expert = make_expert(institution=institution, status=ReviewStatus.PENDING)
    assert staff.has_perm("network.verify_expert", expert) is expected
    assert staff.has_perm("network.verify_institution", institution) is expected
    # They see the profiles whatever the district; only the decision is tied to it.
    assert staff.has_perm("network.view_expert", expert)
    assert staff.has_perm("network.view_institution", institution)


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.PLATFORM_ADMIN])
@pytest.mark.parametrize("district", ["330108", "330106", "330182"])
def test_center_staff_and_platform_admins_verify_everywhere(role, district):
    user = make_user(role)
    institution = make_institution(status=ReviewStatus.PENDING, district_code=district)
    expert = make_expert(institution=institution, status=ReviewStatus.PENDING)
    assert user.has_perm("network.verify_expert", expert)
    assert user.has_perm("network.verify_institution", institution)


def test_the_experts_own_district_decides_over_the_institutions():
    staff_here = district_staff(Role.SUBCENTER_STAFF, "330106")
    staff_there = district_staff(Role.SUBCENTER_STAFF, "330108")
    institution = make_institution(district_code="330108")
    expert = make_expert(institution=institution, status=ReviewStatus.PENDING, district_code="330106")
    assert staff_here.has_perm("network.verify_expert", expert)
    assert not staff_there.has_perm("network.verify_expert", expert)


def test_an_expert_without_a_district_takes_the_institutions():
    staff = district_staff(Role.WORKSTATION_STAFF, "330108")
    expert = make_expert(institution=make_institution(district_code="330108"), status=ReviewStatus.PENDING)
    Expert.objects.filter(pk=expert.pk).update(district_code="")
    expert.refresh_from_db()
    assert staff.has_perm("network.verify_expert", expert)


def test_district_staff_cannot_verify_an_expert_without_any_district():
    staff = district_staff(Role.SUBCENTER_STAFF, "330108")
    expert = Expert.objects.create(kind="lawyer", name="无区专家", status=ReviewStatus.PENDING)
    assert not staff.has_perm("network.verify_expert", expert)
    assert make_user(Role.CENTER_STAFF).has_perm("network.verify_expert", expert)


def test_district_staff_change_only_the_service_point_they_work_at():
    staff = district_staff(Role.WORKSTATION_STAFF, "330108")
    own = services.service_point_save(actor=None, organisation=staff.memberships.get().organisation)
    neighbour = services.service_point_save(
        actor=None,
        organisation=OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, district_code="330108"),
    )
    assert staff.has_perm("network.change_service_point", own)
    assert not staff.has_perm("network.change_service_point", neighbour)


# --- what takes rights away ---------------------------------------------------------------------------------


def test_an_inactive_membership_gives_nothing():
    institution = make_institution(status=ReviewStatus.PENDING)
    admin = make_user(Role.INSTITUTION_ADMIN, organisation=institution.organisation)
    expert = make_expert(institution=institution, status=ReviewStatus.DRAFT)
    assert admin.has_perm("network.change_expert", expert)
    Membership.objects.filter(user=admin).update(is_active=False)
    admin.forget_cached_roles()
    for perm in ("network.view_expert", "network.change_expert", "network.view_expert_private"):
        assert not admin.has_perm(perm, expert), perm
    for perm in ("network.view_institution", "network.change_institution", "network.add_expert"):
        assert not admin.has_perm(perm, institution), perm


def test_an_inactive_user_has_no_network_rights():
    staff = make_user(Role.PLATFORM_ADMIN, is_active=False)
    expert = make_expert(status=ReviewStatus.PENDING)
    for perm in ("network.view_expert", "network.verify_expert", "network.change_expert"):
        assert not staff.has_perm(perm, expert), perm
    for perm in ("network.import", "network.export_private", "network.manage_peers", "network.apply_institution"):
        assert not staff.has_perm(perm), perm


def test_an_expert_with_a_profile_has_the_shortcut(client):
    lawyer = make_user(Role.LAWYER)
    expert = make_expert(user=lawyer)
    assert lawyer.has_perm("network.view_own_profile")
    client.force_login(lawyer)
    response = client.get("/network/me/profile/")
    assert response.status_code == 302 and response["Location"] == f"/network/experts/{expert.public_id}/"
    other = make_user(Role.LAWYER)
    client.force_login(other)
    assert client.get("/network/me/profile/").status_code == 404


def test_an_institution_admin_has_the_shortcut_to_their_institution(client):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import TOTP_SECRET

    admin = make_user()
    institution = make_institution(admin=admin)
    admin.forget_cached_roles()
    assert admin.has_perm("network.view_own_institution")
    TOTP.activate(admin, TOTP_SECRET)  # an institution administrator is staff: a second factor is required
    client.force_login(admin)
    response = client.get("/network/me/institution/")
    assert response.status_code == 302
    assert response["Location"] == f"/network/institutions/{institution.organisation.slug}/"
