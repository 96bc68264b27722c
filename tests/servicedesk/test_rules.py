"""The permission truth table of servicedesk/rules.py, for every role, an individual and anonymous, and the cases
that turn on where a request is held: staff of the holding point, of another district, and of the center;
the offered expert against another expert; an enterprise's administrators."""

import inspect
import re

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from lawbridge.accounts.choices import Role, ServicePointLevel
from lawbridge.accounts.models import Membership
from lawbridge.servicedesk import rules as servicedesk_rules
from lawbridge.servicedesk import services
from tests.factories import ALL_ROLES, OrganisationFactory, make_user
from tests.servicedesk import test_services as shared
from tests.servicedesk.test_services import file_request, qualified_expert, service_point

pytestmark = pytest.mark.django_db

# The shared 1+N network and people (fixtures of test_services).
center = shared.center
other_subcenter = shared.other_subcenter
subcenter = shared.subcenter

INDIVIDUAL = "individual"
ANONYMOUS = "anonymous"
SUBJECTS = [*ALL_ROLES, INDIVIDUAL, ANONYMOUS]
SIGNED_IN = [*ALL_ROLES, INDIVIDUAL]
NETWORK_STAFF = (Role.WORKSTATION_STAFF, Role.SUBCENTER_STAFF, Role.CENTER_STAFF)
HANDLES_EVERYTHING = (Role.PLATFORM_ADMIN, Role.CENTER_STAFF)


def table(*true_for: str) -> dict[str, bool]:
    unknown = set(true_for) - set(SUBJECTS)
    assert not unknown, unknown
    return {subject: subject in true_for for subject in SUBJECTS}


# (permission, object) -> subject -> expected. "own": a request the subject filed (anonymous cannot: someone
# else's); "other": another person's request, held at the district sub-center where the subject does not work
# (service-point staff here work at a point without a district; district cases are below); "none": no object.
TRUTH_TABLE: dict[tuple[str, str], dict[str, bool]] = {
    ("servicedesk.create_request", "none"): table(*SIGNED_IN),
    ("servicedesk.view_request", "own"): table(*SIGNED_IN),
    ("servicedesk.view_request", "other"): table(*HANDLES_EVERYTHING, Role.SUPERVISOR),
    ("servicedesk.triage_request", "own"): table(*HANDLES_EVERYTHING),
    ("servicedesk.triage_request", "other"): table(*HANDLES_EVERYTHING),
    ("servicedesk.match_request", "other"): table(*HANDLES_EVERYTHING),
    ("servicedesk.view_queues", "none"): table(Role.PLATFORM_ADMIN, *NETWORK_STAFF, Role.SUPERVISOR),
    ("servicedesk.answer_information_request", "own"): table(*SIGNED_IN),
    ("servicedesk.answer_information_request", "other"): table(),
    ("servicedesk.withdraw_request", "own"): table(*SIGNED_IN),
    ("servicedesk.withdraw_request", "other"): table(),
    ("servicedesk.respond_offer", "offer_to_another"): table(),
    ("servicedesk.dispatch", "none"): table(*HANDLES_EVERYTHING),
}


def test_the_table_covers_every_permission_of_servicedesk_rules():
    """Every permission servicedesk/rules.py adds (conferences and tasks have their own rules module)."""
    source = inspect.getsource(servicedesk_rules)
    perms = set(re.findall(r'add_perm\(\s*"(servicedesk\.[a-z_]+)"', source))
    assert perms <= set(rules.permissions.permissions)
    assert {perm for perm, _obj in TRUTH_TABLE} == perms


def subject_user(subject: str):
    if subject == ANONYMOUS:
        return AnonymousUser()
    if subject == INDIVIDUAL:
        return make_user(None)
    return make_user(subject)


def target(which: str, user):
    if which == "none":
        return None
    if which == "own":
        return file_request(user if user.is_authenticated else make_user(None))
    if which == "other":
        return file_request(make_user(None))
    if which == "offer_to_another":
        accepted = services.request_accept(actor=None, request=file_request(make_user(None)))
        (offer,) = services.offers_send(
            actor=None, request=accepted, experts=[qualified_expert(user=make_user(Role.LAWYER))]
        )
        return offer
    raise AssertionError(which)


@pytest.mark.parametrize(
    ("perm", "which", "subject", "expected"),
    [
        pytest.param(perm, which, subject, expected[subject], id=f"{perm}-{which}-{subject}")
        for (perm, which), expected in TRUTH_TABLE.items()
        for subject in SUBJECTS
    ],
)
def test_permission_truth_table(subcenter, perm, which, subject, expected):
    user = subject_user(subject)
    obj = target(which, user)
    assert user.has_perm(perm, obj) is expected


# --- where the request is held ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("subcenter_staff_holding", True),
        ("workstation_staff_same_district", True),
        ("subcenter_staff_other_district", False),
        ("workstation_staff_other_district", False),
        ("center_staff", True),
        ("platform_admin", True),
        ("supervisor", False),
    ],
)
def test_triage_by_where_the_request_is_held(subcenter, other_subcenter, center, who, expected):
    request = file_request(make_user(None))
    assert request.service_point == subcenter
    users = {
        "subcenter_staff_holding": lambda: make_user(Role.SUBCENTER_STAFF, organisation=subcenter),
        "workstation_staff_same_district": lambda: make_user(
            Role.WORKSTATION_STAFF,
            organisation=service_point(ServicePointLevel.WORKSTATION, "330108", subcenter),
        ),
        "subcenter_staff_other_district": lambda: make_user(Role.SUBCENTER_STAFF, organisation=other_subcenter),
        "workstation_staff_other_district": lambda: make_user(
            Role.WORKSTATION_STAFF,
            organisation=service_point(ServicePointLevel.WORKSTATION, "330106", other_subcenter),
        ),
        "center_staff": lambda: make_user(Role.CENTER_STAFF, organisation=center),
        "platform_admin": lambda: make_user(Role.PLATFORM_ADMIN),
        "supervisor": lambda: make_user(Role.SUPERVISOR),
    }
    user = users[who]()
    assert user.has_perm("servicedesk.triage_request", request) is expected
    assert user.has_perm("servicedesk.match_request", request) is expected
    # Supervisors read everything; staff of another district see nothing of it.
    assert user.has_perm("servicedesk.view_request", request) is (expected or who == "supervisor")


def test_after_escalation_the_center_holds_it(subcenter, center):
    officer = make_user(Role.SUBCENTER_STAFF, organisation=subcenter)
    request = services.request_escalate(actor=officer, request=file_request(make_user(None)), reason="Complex")
    assert request.service_point == center
    # The district's sub-center still sees and handles what is of its district.
    assert officer.has_perm("servicedesk.view_request", request)
    assert make_user(Role.CENTER_STAFF, organisation=center).has_perm("servicedesk.triage_request", request)


# --- offers -------------------------------------------------------------------------------------------------


def test_only_the_offered_expert_responds(subcenter):
    lawyer, other_lawyer = make_user(Role.LAWYER), make_user(Role.LAWYER)
    expert = qualified_expert(user=lawyer)
    qualified_expert(user=other_lawyer)
    accepted = services.request_accept(actor=None, request=file_request(make_user(None)))
    (offer,) = services.offers_send(actor=None, request=accepted, experts=[expert])
    assert lawyer.has_perm("servicedesk.respond_offer", offer)
    assert not other_lawyer.has_perm("servicedesk.respond_offer", offer)
    assert lawyer.has_perm("servicedesk.view_request", accepted)
    assert not other_lawyer.has_perm("servicedesk.view_request", accepted)
    assert not make_user(Role.SUBCENTER_STAFF, organisation=subcenter).has_perm("servicedesk.respond_offer", offer)


# --- enterprises --------------------------------------------------------------------------------------------


def test_an_enterprises_administrators_see_its_requests_members_only_their_own(subcenter):
    enterprise = OrganisationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise)
    colleague = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise)
    admin = make_user(Role.ENTERPRISE_ADMIN, organisation=enterprise)
    request = file_request(member, organisation=enterprise)
    assert admin.has_perm("servicedesk.view_request", request)
    assert not colleague.has_perm("servicedesk.view_request", request)
    assert not admin.has_perm("servicedesk.withdraw_request", request)
    Membership.objects.filter(user=admin).update(is_active=False)
    admin.forget_cached_roles()
    assert not admin.has_perm("servicedesk.view_request", request)


def test_an_inactive_user_may_do_nothing(subcenter):
    person = make_user(None)
    request = file_request(person)
    person.is_active = False
    person.save()
    for perm in ("servicedesk.view_request", "servicedesk.withdraw_request", "servicedesk.create_request"):
        assert not person.has_perm(perm, request), perm
