"""Pages of the service desk: a foreign individual files in English, sub-center staff triage in Chinese, the
match table explains the score, offers go out, the lawyer accepts and closes, the requester rates; and the bad
inputs: wrong attachments, past deadlines, a withdrawn offer, two officers on the same request at once."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lawbridge.accounts.choices import Role
from lawbridge.servicedesk import services
from lawbridge.servicedesk.choices import OfferStatus, Status
from lawbridge.servicedesk.models import Offer, ServiceRequest
from tests.factories import make_user, signed_in
from tests.servicedesk import test_services as shared
from tests.servicedesk.test_services import EXE, PDF, file_request, qualified_expert

pytestmark = pytest.mark.django_db

# The shared 1+N network and people (fixtures of test_services).
center = shared.center
officer = shared.officer
other_subcenter = shared.other_subcenter
person = shared.person
subcenter = shared.subcenter

NEW = "/desk/requests/new/"


def page(response) -> str:
    return response.content.decode()


def intake(**fields) -> dict:
    data = {
        "need": "contract_review",
        "title": "Contract with a Japanese buyer",
        "countries": ["JP"],
        "languages": ["en"],
        "urgency": "normal",
        "currency": "EUR",
        "amount": "120000",
        "counterparties": "Sakura Trading K.K.\nSakura Holdings",
        "description": "I sell machine parts to Osaka and need the contract reviewed.",
        "district_code": "330108",
    }
    data.update(fields)
    return data


def detail_url(request) -> str:
    return f"/desk/requests/{request.number}/"


# --- the whole flow -----------------------------------------------------------------------------------------


def test_foreigner_files_staff_triage_in_chinese_offer_accept_close_rate(subcenter):
    foreigner = make_user(None, language="en", full_name="John Smith")
    client = signed_in(foreigner)
    response = client.get(NEW)
    assert response.status_code == 200
    text = page(response)
    assert "Prevention (before a problem)" in text and "Contract review" in text and "Japan" in text

    contract = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client.post(NEW, {**intake(), "attachments": [contract]})
    assert response.status_code == 302, response.context["form"].errors
    request = ServiceRequest.objects.get()
    assert response["Location"] == detail_url(request)
    assert request.requester == foreigner and request.service_point == subcenter
    assert request.counterparties == ["Sakura Trading K.K.", "Sakura Holdings"] and request.currency == "EUR"
    text = page(client.get(detail_url(request)))
    assert request.number in text and "Your request has arrived" in text and "contract.pdf" in text
    assert request.attachments.get().sha256 in text

    # Sub-center staff work in Chinese.
    officer = make_user(Role.SUBCENTER_STAFF, organisation=subcenter, language="zh-hans")
    lawyer = make_user(Role.LAWYER, language="en")
    expert = qualified_expert(user=lawyer, name="王律师", name_latin="Wang Lei")
    staff = signed_in(officer)
    queue = page(staff.get("/desk/queue/"))
    assert request.number in queue and "日本" in queue  # the country in the staff's language
    text = page(staff.get(detail_url(request)))
    assert "日本" in text and "受理" in text and "分办" in text  # Chinese labels: accept (triage), triage
    response = staff.post(f"{detail_url(request)}accept/", {"version": request.version})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED

    # The match table: the qualified expert with each part's contribution.
    response = staff.get(detail_url(request))
    table = response.context["matches"]
    row = next(r for r in table["rows"] if r["expert"] == expert)
    assert [p.name for p in row["match"].parts] == [name for name, _label, _weight in table["weights"]]
    text = page(response)
    assert "<meter" in text and f'value="{expert.public_id}"' in text
    response = staff.post(f"{detail_url(request)}offers/", {"experts": [str(expert.public_id)]})
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.expert == expert and offer.score is not None and offer.score > 0

    # The lawyer accepts on their offers page, then closes.
    lawyers = signed_in(lawyer)
    assert request.number in page(lawyers.get("/desk/offers/"))
    assert lawyers.post(f"/desk/offers/{offer.pk}/accept/").status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED
    response = lawyers.post(f"{detail_url(request)}close/", {"outcome": "Two clauses changed; signed."})
    assert response.status_code == 302

    # The foreigner rates it.
    text = page(client.get(detail_url(request)))
    assert "Rate the service" in text and "Two clauses changed" in text
    assert client.post(f"{detail_url(request)}rate/", {"rating": "5", "comment": "Fast"}).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.rating == 5
    text = page(client.get(detail_url(request)))
    for label in ("Request filed", "Request accepted", "Offers sent", "Offer accepted", "Matter closed"):
        assert label in text  # the timeline
    assert request.number in page(client.get("/desk/mine/"))


# --- bad input on the intake --------------------------------------------------------------------------------


def errors_of(response) -> dict:
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("contract.pdf", EXE), "contract.pdf is not really a .pdf file."),
        (("setup.exe", EXE), "only PDF"),
        (("big.pdf", PDF + b"0" * (11 * 1024 * 1024)), "big.pdf is larger than 10 MB."),
    ],
)
def test_wrong_attachments_are_field_errors(person, subcenter, upload, message):
    name, content = upload
    response = signed_in(person).post(NEW, {**intake(), "attachments": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 400
    assert any(message in error for error in errors_of(response)["attachments"])
    assert message in page(response)
    assert not ServiceRequest.objects.exists()


def test_a_past_deadline_is_a_field_error(person, subcenter):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = signed_in(person).post(NEW, intake(deadline=yesterday))
    assert response.status_code == 400
    assert errors_of(response)["deadline"] == ["The deadline has already passed."]


def test_missing_need_and_unknown_country(person, subcenter):
    response = signed_in(person).post(NEW, intake(need="", countries=["XX"]))
    assert response.status_code == 400
    assert {"need", "countries"} <= set(errors_of(response))


def test_an_enterprise_member_files_for_the_enterprise(subcenter):
    member = make_user(Role.ENTERPRISE_MEMBER)
    enterprise = member.memberships.get().organisation
    client = signed_in(member)
    assert "Myself" in page(client.get(NEW))
    assert client.post(NEW, intake(organisation=enterprise.pk)).status_code == 302
    assert ServiceRequest.objects.get().organisation == enterprise


def test_visitors_are_sent_to_sign_in():
    response = Client().get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- who sees what ------------------------------------------------------------------------------------------


def test_another_person_gets_a_404_and_an_attachment_is_guarded(person, subcenter):
    request = file_request(person, attachments=[("contract.pdf", PDF)])
    attachment = request.attachments.get()
    url = f"{detail_url(request)}attachments/{attachment.pk}/"
    stranger = signed_in(make_user(None))
    assert stranger.get(detail_url(request)).status_code == 404
    assert stranger.get(url).status_code == 404
    response = signed_in(person).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_the_requester_sees_no_triage_actions(person, subcenter):
    request = file_request(person)
    text = page(signed_in(person).get(detail_url(request)))
    assert "Triage" not in text and "Withdraw the request" in text
    assert signed_in(person).post(f"{detail_url(request)}accept/", {"version": 1}).status_code == 403
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_staff_of_another_district_cannot_triage(person, subcenter, other_subcenter):
    request = file_request(person)
    stranger = make_user(Role.SUBCENTER_STAFF, organisation=other_subcenter)
    assert signed_in(stranger).post(f"{detail_url(request)}accept/", {"version": 1}).status_code == 404


# --- triage -------------------------------------------------------------------------------------------------


def test_two_officers_triage_with_the_same_version(person, officer, subcenter):
    colleague = make_user(Role.SUBCENTER_STAFF, organisation=subcenter)
    request = file_request(person)
    first, second = signed_in(officer), signed_in(colleague)
    assert first.post(f"{detail_url(request)}ask/", {"version": 1, "question": "Which port?"}).status_code == 302
    response = second.post(f"{detail_url(request)}refer-out/", {"refer-version": 1, "refer-reason": "Domestic"})
    assert response.status_code == 409
    text = page(response)
    assert "Someone else changed this request" in text
    # The page stays usable: its forms now carry the current version.
    assert response.context["accept_form"].initial["version"] == 2
    request.refresh_from_db()
    assert request.status == Status.INFO_REQUESTED and request.version == 2
    assert second.post(f"{detail_url(request)}accept/", {"version": 2}).status_code == 302


def test_triage_forms_need_their_fields(person, officer):
    request = file_request(person)
    staff = signed_in(officer)
    response = staff.post(f"{detail_url(request)}ask/", {"version": 1, "question": ""})
    assert response.status_code == 400 and response.context["ask_form"].errors["question"]
    response = staff.post(f"{detail_url(request)}merge/", {"version": 1, "into": "HZ-1999-000001"})
    assert response.status_code == 400
    assert response.context["merge_form"].errors["into"] == ["No request with this number that you may see."]


def test_escalate_and_merge_pages(person, officer, center):
    original, duplicate = file_request(person), file_request(person)
    staff = signed_in(officer)
    response = staff.post(f"{detail_url(duplicate)}merge/", {"version": 1, "into": original.number.lower()})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    response = staff.post(
        f"{detail_url(original)}escalate/", {"escalate-version": 1, "escalate-reason": "Crosses districts"}
    )
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.service_point == center and original.escalated


def test_the_requester_answers_and_withdraws(person, officer):
    request = services.request_ask_information(actor=officer, request=file_request(person), question="Which port?")
    client = signed_in(person)
    assert "Which port?" in page(client.get(detail_url(request)))
    response = client.post(f"{detail_url(request)}answer/", {"answer": ""})
    assert response.status_code == 400
    assert client.post(f"{detail_url(request)}answer/", {"answer": "Ningbo"}).status_code == 302
    assert client.post(f"{detail_url(request)}withdraw/", {"reason": "Settled"}).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


# --- offers -------------------------------------------------------------------------------------------------


@pytest.fixture
def offered(person, officer):
    lawyer = make_user(Role.LAWYER)
    accepted = services.request_accept(actor=officer, request=file_request(person))
    (offer,) = services.offers_send(actor=officer, request=accepted, experts=[qualified_expert(user=lawyer)])
    return lawyer, offer


def test_accepting_a_withdrawn_offer_is_a_clear_error(offered, person):
    lawyer, offer = offered
    services.request_withdraw(actor=person, request=offer.request)
    client = signed_in(lawyer)
    response = client.post(f"/desk/offers/{offer.pk}/accept/", follow=True)
    assert "This offer is Withdrawn and can no longer be accepted." in page(response)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_declining_needs_a_reason(offered):
    lawyer, offer = offered
    client = signed_in(lawyer)
    response = client.post(f"/desk/offers/{offer.pk}/decline/", {"reason": ""})
    assert response.status_code == 400 and response.context["decline_form"].errors["reason"]
    response = client.post(f"/desk/offers/{offer.pk}/decline/", {"reason": "Too busy", "next": "/desk/offers/"})
    assert response.status_code == 302 and response["Location"] == "/desk/offers/"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED


def test_another_lawyer_cannot_answer_an_offer(offered):
    _lawyer, offer = offered
    assert signed_in(make_user(Role.LAWYER)).post(f"/desk/offers/{offer.pk}/accept/").status_code == 404


def test_offers_need_one_to_three_ranked_providers(person, officer):
    accepted = services.request_accept(actor=officer, request=file_request(person))
    experts = [qualified_expert() for _ in range(4)]
    staff = signed_in(officer)
    response = staff.post(f"{detail_url(accepted)}offers/", {"experts": [str(e.public_id) for e in experts]})
    assert response.status_code == 400
    assert response.context["offers_form"].errors["experts"] == ["Offer to one to three providers at a time."]
    response = staff.post(f"{detail_url(accepted)}offers/", {"experts": ["not-a-ranked-expert"]})
    assert response.status_code == 400
    assert not Offer.objects.exists()


def test_a_conflicted_expert_is_listed_under_left_out(person, officer, subcenter):
    # The firm acts for "Sakura Trading" in an open matter, so its lawyers are out for a matter against it.
    lawyer = make_user(Role.LAWYER)
    expert = qualified_expert(user=lawyer)
    sakura = make_user(None, full_name="Sakura Trading")
    other = services.request_accept(actor=officer, request=file_request(sakura))
    (offer,) = services.offers_send(actor=officer, request=other, experts=[expert])
    services.offer_accept(actor=lawyer, offer=offer)
    request = services.request_accept(
        actor=officer, request=file_request(person, counterparties=["Sakura Trading Co., Ltd."])
    )
    response = signed_in(officer).get(detail_url(request))
    exclusions = response.context["matches"]["exclusions"]
    assert [e["expert"] for e in exclusions if str(e["reason"]) == "Conflict of interest"] == [expert]
    assert "Conflict of interest" in page(response)


# --- the queue ----------------------------------------------------------------------------------------------


def test_the_queue_filters_and_counts(person, officer, subcenter, other_subcenter):
    file_request(person, urgency="critical", title="Goods seized")
    file_request(person, need="customs_seizure", title="Seizure in Hamburg")
    file_request(person, district_code="330106", title="Not ours")
    client = signed_in(officer)
    response = client.get("/desk/queue/")
    text = page(response)
    assert "Goods seized" in text and "Seizure in Hamburg" in text and "Not ours" not in text
    assert re.search(r"Submitted, awaiting triage \(2\)", text)
    assert re.search(r"Critical \(hours: a freeze, a seizure, a deadline\) \(1\)", text)
    response = client.get("/desk/queue/", {"urgency": "critical"})
    assert [r.title for r in response.context["page"]] == ["Goods seized"]
    response = client.get("/desk/queue/", {"status": "bogus"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 2


def test_the_status_counts_follow_the_need_filter(person, officer):
    file_request(person)
    file_request(person, need="customs_seizure")
    _requests, by_status, _by_urgency = services_queue(officer, need="customs_seizure")
    assert by_status[Status.SUBMITTED] == 1


def services_queue(user, **filters):
    from lawbridge.servicedesk import selectors

    return selectors.queue(user=user, **filters)


def test_the_queue_is_for_staff(person):
    assert signed_in(person).get("/desk/queue/").status_code == 403


def test_center_staff_pick_a_service_point(person, center, subcenter, other_subcenter):
    file_request(person, title="Binjiang matter")
    file_request(person, district_code="330106", title="Xihu matter")
    client = signed_in(make_user(Role.CENTER_STAFF, organisation=center))
    assert client.get("/desk/queue/").context["page"].paginator.count == 2
    response = client.get("/desk/queue/", {"point": other_subcenter.slug})
    assert [r.title for r in response.context["page"]] == ["Xihu matter"]


def test_the_queue_page_does_not_grow_queries_with_rows(person, officer, django_assert_max_num_queries):
    for n in range(15):
        file_request(person, title=f"Matter {n}")
    client = signed_in(officer)
    client.get("/desk/queue/")
    with django_assert_max_num_queries(30):
        client.get("/desk/queue/")


def test_navigation_entries(person, officer):
    text = page(signed_in(person).get("/desk/mine/"))
    assert 'href="/desk/requests/new/"' in text and 'href="/desk/queue/"' not in text
    assert 'href="/desk/queue/"' in page(signed_in(officer).get("/desk/mine/"))
