"""The service desk API: filing, listing, triage with versions, the explained match list, offers and their
answers, and the error codes (401, 403, 404, 409 conflict, 422 invalid_input / illegal_transition), never a 500."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lawbridge.accounts.choices import Role
from lawbridge.accounts.services import api_token_create
from lawbridge.servicedesk import services
from lawbridge.servicedesk.choices import OfferStatus, Status
from lawbridge.servicedesk.models import ServiceRequest
from tests.factories import make_user
from tests.servicedesk import test_services as shared
from tests.servicedesk.test_services import EXE, PDF, file_request, qualified_expert

pytestmark = pytest.mark.django_db

# The shared 1+N network and people (fixtures of test_services).
center = shared.center
officer = shared.officer
other_subcenter = shared.other_subcenter
person = shared.person
subcenter = shared.subcenter

REQUESTS = "/api/v1/servicedesk/requests"


def api(user) -> Client:
    _token, raw = api_token_create(user=user, name="test")
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


BODY = {
    "title": "Goods held in Hamburg",
    "description": "Customs seized our shipment.",
    "need": "customs_seizure",
    "countries": ["DE"],
    "languages": ["en"],
    "urgency": "critical",
    "amount": "50000",
    "currency": "EUR",
    "counterparties": ["Hanse Logistik GmbH"],
    "district_code": "330108",
}


# --- filing and reading -------------------------------------------------------------------------------------


def test_file_read_and_list(person, subcenter):
    client = api(person)
    pdf = base64.b64encode(PDF).decode()
    response = post(client, REQUESTS, {**BODY, "attachments": [{"name": "bill.pdf", "content_base64": pdf}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("HZ-") and body["status"] == "submitted" and body["stage"] == "control"
    assert body["service_point"]["slug"] == subcenter.slug and body["version"] == 1
    assert body["attachments"][0]["sha256"] == services.Attachment.digest(PDF)
    assert client.get(f"{REQUESTS}/{body['number']}").json()["title"] == "Goods held in Hamburg"
    listed = client.get(REQUESTS).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == body["number"]
    assert client.get(REQUESTS, {"urgency": "normal"}).json()["count"] == 0
    assert client.get(REQUESTS, {"status": "submitted", "urgency": "critical"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"countries": ["DE", "XX"]}, "countries"),
        ({"deadline": (timezone.localdate() - timedelta(days=1)).isoformat()}, "deadline"),
        ({"need": "world_peace"}, "need"),
        ({"district_code": "999999"}, "district_code"),
        ({"service_point": "nowhere"}, "service_point"),
        ({"attachments": [{"name": "bill.pdf", "content_base64": base64.b64encode(EXE).decode()}]}, "attachments"),
        ({"attachments": [{"name": "bill.pdf", "content_base64": "%%%"}]}, "attachments"),
    ],
)
def test_bad_fields_are_422_with_field_errors(person, subcenter, change, field):
    error = assert_error(post(api(person), REQUESTS, {**BODY, **change}), 422, "invalid_input")
    assert field in error["fields"]
    assert not ServiceRequest.objects.exists()


def test_anonymous_is_401(subcenter):
    assert_error(Client().get(REQUESTS), 401, "not_authenticated")
    assert_error(Client().post(REQUESTS, BODY, content_type="application/json"), 401, "not_authenticated")


def test_another_persons_request_is_404(person, subcenter):
    request = file_request(person)
    assert_error(api(make_user(None)).get(f"{REQUESTS}/{request.number}"), 404, "not_found")
    assert_error(api(person).get(f"{REQUESTS}/HZ-1999-000001"), 404, "not_found")
    assert api(make_user(None)).get(REQUESTS).json()["count"] == 0


# --- triage -------------------------------------------------------------------------------------------------


def test_accept_with_version_and_a_stale_version_is_409(person, officer, subcenter):
    request = file_request(person)
    url = f"{REQUESTS}/{request.number}"
    colleague = make_user(Role.SUBCENTER_STAFF, organisation=subcenter)
    response = post(api(officer), f"{url}/ask", {"version": 1, "question": "Which port?"})
    assert response.status_code == 200 and response.json()["status"] == "info_requested"
    assert_error(post(api(colleague), f"{url}/accept", {"version": 1}), 409, "conflict")
    response = post(api(colleague), f"{url}/accept", {"version": 2})
    assert response.status_code == 200 and response.json()["version"] == 3


def test_escalate_refer_out_merge(person, officer, center):
    first, second, third = file_request(person), file_request(person), file_request(person)
    client = api(officer)
    response = post(client, f"{REQUESTS}/{first.number}/escalate", {"version": 1, "reason": "Crosses districts"})
    assert response.status_code == 200 and response.json()["service_point"]["slug"] == center.slug
    error = assert_error(post(client, f"{REQUESTS}/{second.number}/refer-out", {"version": 1, "reason": " "}), 422,
                         "invalid_input")  # fmt: skip
    assert "reason" in error["fields"]
    response = post(client, f"{REQUESTS}/{second.number}/refer-out", {"version": 1, "reason": "Domestic matter"})
    assert response.json()["status"] == "referred_out"
    response = post(client, f"{REQUESTS}/{third.number}/merge", {"version": 1, "into": first.number})
    assert response.status_code == 200 and response.json()["merged_into"] == first.number
    assert_error(post(client, f"{REQUESTS}/{third.number}/merge", {"version": 2, "into": "nope"}), 422, "invalid_input")


def test_illegal_transition_is_422_with_its_code(person, officer):
    request = services.request_refer_out(actor=officer, request=file_request(person), reason="Domestic")
    assert_error(
        post(api(officer), f"{REQUESTS}/{request.number}/accept", {"version": request.version}),
        422,
        "illegal_transition",
    )


def test_the_requester_may_not_triage_and_a_missing_version_is_422(person, officer):
    request = file_request(person)
    assert_error(post(api(person), f"{REQUESTS}/{request.number}/accept", {"version": 1}), 403, "permission_denied")
    assert_error(post(api(officer), f"{REQUESTS}/{request.number}/accept", {}), 422, "invalid_input")


# --- matches and offers -------------------------------------------------------------------------------------


def test_matches_are_ranked_and_explained(person, officer):
    expert = qualified_expert(name="王律师")
    request = services.request_accept(actor=officer, request=file_request(person))
    response = api(officer).get(f"{REQUESTS}/{request.number}/matches")
    assert response.status_code == 200, response.content
    body = response.json()
    item = next(i for i in body["items"] if i["expert"] == str(expert.public_id))
    assert item["name"] and item["rank"] >= 1 and 0 < item["score"] <= 1
    assert {p["name"] for p in item["parts"]} >= {"practice", "jurisdiction", "language"}
    assert abs(sum(p["points"] for p in item["parts"]) - item["score"]) < 1e-6
    assert {"name", "label", "weight", "value", "points", "detail"} == set(item["parts"][0])
    assert [w["name"] for w in body["weights"]] == [p["name"] for p in item["parts"]]
    assert_error(api(person).get(f"{REQUESTS}/{request.number}/matches"), 403, "permission_denied")


def test_offers_accept_and_decline(person, officer):
    lawyers = [make_user(Role.LAWYER), make_user(Role.LAWYER)]
    experts = [qualified_expert(user=u) for u in lawyers]
    request = services.request_accept(actor=officer, request=file_request(person))
    url = f"{REQUESTS}/{request.number}/offers"
    response = post(api(officer), url, {"experts": [str(e.public_id) for e in experts]})
    assert response.status_code == 201, response.content
    first, second = sorted(response.json(), key=lambda o: o["expert"] != str(experts[0].public_id))
    assert first["status"] == "sent" and first["score"] is not None
    assert_error(post(api(lawyers[1]), f"/api/v1/servicedesk/offers/{first['id']}/accept"), 403, "permission_denied")
    assert_error(
        post(api(make_user(Role.LAWYER)), f"/api/v1/servicedesk/offers/{first['id']}/accept"), 404, "not_found"
    )
    assert_error(post(api(lawyers[1]), f"/api/v1/servicedesk/offers/{second['id']}/decline", {"reason": ""}), 422,
                 "invalid_input")  # fmt: skip
    response = post(api(lawyers[1]), f"/api/v1/servicedesk/offers/{second['id']}/decline", {"reason": "Busy"})
    assert response.status_code == 200 and response.json()["status"] == OfferStatus.DECLINED
    response = post(api(lawyers[0]), f"/api/v1/servicedesk/offers/{first['id']}/accept")
    assert response.status_code == 200 and response.json()["status"] == Status.ASSIGNED
    assert api(lawyers[0]).get("/api/v1/servicedesk/offers").json()[0]["status"] == "accepted"


def test_offer_errors(person, officer):
    request = file_request(person)
    url = f"{REQUESTS}/{request.number}/offers"
    expert = qualified_expert()
    assert_error(post(api(officer), url, {"experts": [str(expert.public_id)]}), 422, "illegal_transition")
    services.request_accept(actor=officer, request=request)
    assert_error(post(api(officer), url, {"experts": []}), 422, "invalid_input")
    assert_error(post(api(officer), url, {"experts": ["8d7f3a52-0000-4000-8000-000000000000"]}), 422, "invalid_input")
    assert_error(post(api(person), url, {"experts": [str(expert.public_id)]}), 403, "permission_denied")


def test_accepting_a_withdrawn_offer_is_422(person, officer):
    lawyer = make_user(Role.LAWYER)
    request = services.request_accept(actor=officer, request=file_request(person))
    (offer,) = services.offers_send(actor=officer, request=request, experts=[qualified_expert(user=lawyer)])
    services.request_withdraw(actor=person, request=request)
    error = assert_error(post(api(lawyer), f"/api/v1/servicedesk/offers/{offer.pk}/accept"), 422, "illegal_transition")
    assert "Withdrawn" in error["message"]
