"""The service desk's state machine and its refusals, at the service level: filing with bad input (attachments,
deadlines, countries), triage in the 1+N network with optimistic locking, offers and their answers, closing,
rating. The fixtures here (a center and two district sub-centers) are shared with the page and API tests."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.servicedesk import services
from lawbridge.servicedesk.choices import OfferStatus, Status
from lawbridge.servicedesk.models import ServiceRequest
from tests.factories import OrganisationFactory, make_expert, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


# -- shared fixtures ---------------------------------------------------------------------------------------


def service_point(level: str, district: str = "", parent=None, name: str = "", name_en: str = ""):
    return OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, service_point_level=level, district_code=district, parent=parent,
        uscc="", **({"name": name, "name_en": name_en} if name else {}),
    )  # fmt: skip


@pytest.fixture
def center(db):
    return service_point(ServicePointLevel.CENTER, name="涉外法律服务中心", name_en="Service Center")


@pytest.fixture
def subcenter(center):
    return service_point(ServicePointLevel.SUBCENTER, "330108", center, "滨江分中心", "Binjiang Sub-center")


@pytest.fixture
def other_subcenter(center):
    return service_point(ServicePointLevel.SUBCENTER, "330106", center, "西湖分中心", "Xihu Sub-center")


@pytest.fixture
def officer(subcenter):
    return make_user("subcenter_staff", organisation=subcenter)


@pytest.fixture
def person(db):
    return make_user(None, language="en", full_name="Maria Rossi")


def file_request(requester, **fields):
    defaults = {
        "title": "Contract with a Japanese buyer",
        "description": "Please review the sales contract.",
        "need": "contract_review",
        "countries": ["JP"],
        "languages": ["en"],
        "district_code": "330108",
    }
    defaults.update(fields)
    return services.request_create(requester=requester, **defaults)


def qualified_expert(**fields):
    """A lawyer the contract review of a Japanese matter in English finds."""
    defaults = {"languages": [("en", "fluent"), ("ja", "fluent")], "jurisdictions": ["JP"]}
    defaults.update(fields)
    return make_expert(**defaults)


# -- filing ------------------------------------------------------------------------------------------------


def test_a_request_lands_at_its_districts_subcenter_with_a_number(person, subcenter):
    request = file_request(person)
    assert request.service_point == subcenter and request.status == Status.SUBMITTED
    assert request.number.endswith("-000001") and request.stage == "prevention" and request.version == 1
    second = file_request(person)
    assert second.number.endswith("-000002")


def test_without_a_district_it_lands_at_the_center(person, center, subcenter):
    assert file_request(person, district_code="").service_point == center


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"countries": ["JP", "XX"]}, "countries"),
        ({"languages": ["klingon"]}, "languages"),
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
        ({"deadline": timezone.localdate() + timedelta(days=4 * 365)}, "deadline"),
        ({"need": "world_peace"}, "need"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"district_code": "999999"}, "district_code"),
        ({"attachments": [("contract.pdf", EXE)]}, "attachments"),
        ({"attachments": [("setup.exe", EXE)]}, "attachments"),
        ({"attachments": [("big.pdf", PDF + b"0" * (10 * 1024 * 1024))]}, "attachments"),
        ({"attachments": [("empty.pdf", b"")]}, "attachments"),
    ],
)
def test_bad_input_is_refused_per_field(person, subcenter, fields, field):
    with pytest.raises(ValidationError) as caught:
        file_request(person, **fields)
    assert field in caught.value.message_dict
    assert not ServiceRequest.objects.exists()


def test_a_renamed_exe_is_named_in_the_error(person, subcenter):
    with pytest.raises(ValidationError) as caught:
        file_request(person, attachments=[("contract.pdf", EXE)])
    assert caught.value.message_dict["attachments"] == ["contract.pdf is not really a .pdf file."]


def test_good_attachments_are_kept_with_their_digest(person, subcenter):
    request = file_request(person, attachments=[("contract.pdf", PDF)])
    (attachment,) = request.attachments.all()
    assert attachment.size == len(PDF) and attachment.content_type == "application/pdf"
    assert attachment.sha256 == services.Attachment.digest(PDF)


def test_only_for_an_enterprise_one_belongs_to(person, subcenter):
    with pytest.raises(PermissionDenied):
        file_request(person, organisation=OrganisationFactory())


# -- triage ------------------------------------------------------------------------------------------------


def test_accept_ask_answer(person, officer):
    request = file_request(person)
    request = services.request_ask_information(actor=officer, request=request, question="Which Incoterm?")
    assert request.status == Status.INFO_REQUESTED and request.status_reason == "Which Incoterm?"
    request = services.request_answer_information(actor=person, request=request, answer="FOB Ningbo")
    assert request.status == Status.SUBMITTED and "FOB Ningbo" in request.description
    request = services.request_accept(actor=officer, request=request)
    assert request.status == Status.ACCEPTED and request.accepted_at


def test_two_officers_with_the_same_version_the_second_is_refused(person, officer, subcenter):
    colleague = make_user("subcenter_staff", organisation=subcenter)
    request = file_request(person)
    seen = request.version
    first = ServiceRequest.objects.get(pk=request.pk)
    second = ServiceRequest.objects.get(pk=request.pk)
    services.request_ask_information(actor=officer, request=first, question="Which port?", expected_version=seen)
    with pytest.raises(services.StaleRequest):
        services.request_refer_out(actor=colleague, request=second, reason="Domestic", expected_version=seen)
    request.refresh_from_db()
    assert request.status == Status.INFO_REQUESTED and request.status_reason == "Which port?"
    assert request.version == seen + 1


def test_escalate_moves_it_to_the_center_once(person, officer, center):
    request = services.request_escalate(actor=officer, request=file_request(person), reason="Crosses districts")
    assert request.service_point == center and request.escalated and request.status == Status.SUBMITTED
    center_staff = make_user("center_staff", organisation=center)
    with pytest.raises(services.IllegalTransition):
        services.request_escalate(actor=center_staff, request=request, reason="again")


def test_escalate_and_refer_out_need_a_reason(person, officer):
    request = file_request(person)
    for service in (services.request_escalate, services.request_refer_out):
        with pytest.raises(ValidationError) as caught:
            service(actor=officer, request=request, reason="  ")
        assert "reason" in caught.value.message_dict


def test_merge_only_into_another_open_request(person, officer):
    request, original = file_request(person), file_request(person)
    with pytest.raises(ValidationError):
        services.request_merge(actor=officer, request=request, into=request)
    closed = services.request_refer_out(actor=officer, request=file_request(person), reason="Domestic")
    with pytest.raises(ValidationError):
        services.request_merge(actor=officer, request=request, into=closed)
    request = services.request_merge(actor=officer, request=request, into=original)
    assert request.status == Status.MERGED and request.merged_into == original


def test_merge_refuses_another_enterprises_request(officer, subcenter):
    first, second = make_user("enterprise_member"), make_user("enterprise_member")
    mine = file_request(first, organisation=first.memberships.get().organisation)
    theirs = file_request(second, organisation=second.memberships.get().organisation)
    with pytest.raises(ValidationError):
        services.request_merge(actor=officer, request=mine, into=theirs)


def test_merge_refuses_another_individuals_request(person, officer):
    mine, theirs = file_request(person), file_request(make_user(None))
    with pytest.raises(ValidationError):
        services.request_merge(actor=officer, request=mine, into=theirs)


def test_staff_of_another_district_may_not_triage(person, officer, other_subcenter):
    stranger = make_user("subcenter_staff", organisation=other_subcenter)
    with pytest.raises(PermissionDenied):
        services.request_accept(actor=stranger, request=file_request(person))


def test_a_closed_request_cannot_be_triaged(person, officer):
    request = services.request_refer_out(actor=officer, request=file_request(person), reason="Domestic")
    with pytest.raises(services.IllegalTransition):
        services.request_accept(actor=officer, request=request)


# -- offers ------------------------------------------------------------------------------------------------


@pytest.fixture
def accepted(person, officer):
    return services.request_accept(actor=officer, request=file_request(person))


def test_offer_to_at_most_three(accepted, officer):
    experts = [qualified_expert() for _ in range(4)]
    with pytest.raises(ValidationError):
        services.offers_send(actor=officer, request=accepted, experts=experts)
    offers = services.offers_send(actor=officer, request=accepted, experts=experts[:3])
    assert len(offers) == 3
    accepted.refresh_from_db()
    assert accepted.status == Status.OFFERED


def test_offers_need_an_accepted_request(person, officer):
    with pytest.raises(services.IllegalTransition):
        services.offers_send(actor=officer, request=file_request(person), experts=[qualified_expert()])


def test_the_first_acceptance_takes_it_and_withdraws_the_others(accepted, officer):
    lawyers = [make_user("lawyer"), make_user("lawyer")]
    experts = [qualified_expert(user=u) for u in lawyers]
    first, second = services.offers_send(actor=officer, request=accepted, experts=experts)
    request = services.offer_accept(actor=lawyers[0], offer=first)
    assert request.status == Status.ASSIGNED and request.assigned_expert == experts[0]
    second.refresh_from_db()
    assert second.status == OfferStatus.WITHDRAWN
    with pytest.raises(services.IllegalTransition, match="Withdrawn"):
        services.offer_accept(actor=lawyers[1], offer=second)


def test_accepting_an_offer_of_a_withdrawn_request(accepted, officer, person):
    lawyer = make_user("lawyer")
    (offer,) = services.offers_send(actor=officer, request=accepted, experts=[qualified_expert(user=lawyer)])
    services.request_withdraw(actor=person, request=accepted, reason="Settled")
    with pytest.raises(services.IllegalTransition):
        services.offer_accept(actor=lawyer, offer=offer)
    accepted.refresh_from_db()
    assert accepted.status == Status.WITHDRAWN and accepted.assigned_expert is None


def test_only_the_offered_expert_answers(accepted, officer):
    (offer,) = services.offers_send(
        actor=officer, request=accepted, experts=[qualified_expert(user=make_user("lawyer"))]
    )
    with pytest.raises(PermissionDenied):
        services.offer_accept(actor=make_user("lawyer"), offer=offer)


def test_declining_needs_a_reason_and_the_last_decline_returns_it_to_staff(accepted, officer):
    lawyer = make_user("lawyer")
    (offer,) = services.offers_send(actor=officer, request=accepted, experts=[qualified_expert(user=lawyer)])
    with pytest.raises(ValidationError):
        services.offer_decline(actor=lawyer, offer=offer, reason=" ")
    services.offer_decline(actor=lawyer, offer=offer, reason="Conflict with a client")
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_an_expired_offer_cannot_be_accepted(accepted, officer):
    lawyer = make_user("lawyer")
    (offer,) = services.offers_send(actor=officer, request=accepted, experts=[qualified_expert(user=lawyer)])
    type(offer).objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.IllegalTransition):
        services.offer_accept(actor=lawyer, offer=offer)


# -- closing and rating ------------------------------------------------------------------------------------


def test_close_and_rate_once(accepted, officer, person):
    lawyer = make_user("lawyer")
    (offer,) = services.offers_send(actor=officer, request=accepted, experts=[qualified_expert(user=lawyer)])
    request = services.offer_accept(actor=lawyer, offer=offer)
    with pytest.raises(services.IllegalTransition):
        services.request_rate(actor=person, request=request, rating=5)
    with pytest.raises(ValidationError):
        services.request_close(actor=lawyer, request=request, outcome="")
    request = services.request_close(actor=lawyer, request=request, outcome="Signed")
    with pytest.raises(PermissionDenied):
        services.request_rate(actor=lawyer, request=request, rating=5)
    with pytest.raises(ValidationError):
        services.request_rate(actor=person, request=request, rating=6)
    request = services.request_rate(actor=person, request=request, rating=4, comment="Quick")
    assert request.rating == 4
    with pytest.raises(services.IllegalTransition):
        services.request_rate(actor=person, request=request, rating=5)


def test_an_assigned_request_cannot_be_withdrawn(accepted, officer, person):
    lawyer = make_user("lawyer")
    (offer,) = services.offers_send(actor=officer, request=accepted, experts=[qualified_expert(user=lawyer)])
    request = services.offer_accept(actor=lawyer, offer=offer)
    with pytest.raises(services.IllegalTransition):
        services.request_withdraw(actor=person, request=request)
