"""The conversation on a request: requester ↔ assigned provider (staff too), notifications to the other side,
attachments checked by content, and nobody else reading or writing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lawbridge.accounts.choices import Role, ServicePointLevel
from lawbridge.core.models import Notification
from lawbridge.servicedesk import messaging, services
from lawbridge.servicedesk.models import Message
from tests.factories import make_expert, make_user, service_point, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def matter():
    """A request assigned to a provider."""
    center = service_point(ServicePointLevel.CENTER)
    sub = service_point(ServicePointLevel.SUBCENTER, district_code="330108", parent=center)
    requester = make_user(None)
    request = services.request_create(
        requester=requester,
        title="Contract with a Japanese buyer",
        description="Review please",
        need="contract_review",
        countries=["JP"],
        languages=["en"],
        district_code="330108",
    )
    officer = make_user(Role.SUBCENTER_STAFF, organisation=sub)
    request = services.request_accept(actor=officer, request=request)
    lawyer = make_user(Role.LAWYER)
    expert = make_expert(user=lawyer, languages=[("en", "fluent")], jurisdictions=["JP"])
    (offer,) = services.offers_send(actor=officer, request=request, experts=[expert])
    request = services.offer_accept(actor=lawyer, offer=offer)
    Notification.objects.all().delete()
    return {"request": request, "requester": requester, "officer": officer, "provider": lawyer}


def test_requester_and_provider_talk_and_the_other_side_is_told(matter):
    request, requester, provider = matter["request"], matter["requester"], matter["provider"]
    messaging.message_post(actor=requester, request=request, body="Here is the draft contract.")
    note = Notification.objects.get(user=provider)
    assert (
        request.number in note.title and note.url.endswith("#messages") and note.body == "Here is the draft contract."
    )
    assert not Notification.objects.filter(user=requester).exists()

    reply = messaging.message_post(
        actor=provider, request=request, body="My comments are attached.", attachment=("comments.pdf", PDF)
    )
    assert reply.attachment.name == "comments.pdf" and reply.attachment.sha256 == reply.attachment.digest(PDF)
    assert Notification.objects.filter(user=requester, body="My comments are attached.").exists()

    staff_note = messaging.message_post(actor=matter["officer"], request=request, body="Staff here.")
    assert staff_note.author == matter["officer"]
    assert Notification.objects.filter(user=requester, body="Staff here.").exists()
    assert Notification.objects.filter(user=provider, body="Staff here.").exists()

    for user in (requester, provider, matter["officer"]):
        assert [m.body for m in messaging.messages_for(user, request)] == [
            "Here is the draft contract.",
            "My comments are attached.",
            "Staff here.",
        ]
    download = signed_in(requester).get(f"/desk/requests/{request.number}/attachments/{reply.attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_strangers_neither_read_nor_write(matter):
    request = matter["request"]
    messaging.message_post(actor=matter["requester"], request=request, body="Private")
    other_lawyer = make_user(Role.LAWYER)
    for stranger in (make_user(None), other_lawyer, make_user(Role.GOVERNMENT_LIAISON)):
        with pytest.raises(PermissionDenied):
            messaging.message_post(actor=stranger, request=request, body="Hello")
        assert not messaging.messages_for(stranger, request).exists()
        response = signed_in(stranger).post(f"/desk/requests/{request.number}/messages/", {"body": "Hello"})
        assert response.status_code in (403, 404)
    assert Message.objects.count() == 1


def test_attachments_are_checked_by_content(matter):
    request = matter["request"]
    with pytest.raises(ValidationError) as caught:
        messaging.message_post(
            actor=matter["requester"], request=request, body="See file", attachment=("contract.pdf", b"MZ\x90\x00fake")
        )
    assert "attachment" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        messaging.message_post(actor=matter["requester"], request=request, body="   ")
    assert "body" in caught.value.message_dict
    assert not Message.objects.exists() and not request.attachments.exists()

    client = signed_in(matter["requester"])
    url = f"/desk/requests/{request.number}/messages/"
    fake = SimpleUploadedFile("contract.pdf", b"<html>fake</html>", content_type="application/pdf")
    response = client.post(url, {"body": "See file", "attachment": fake})
    assert response.status_code == 302 and not Message.objects.exists()
    htmx = client.post(
        url,
        {"body": "See file", "attachment": SimpleUploadedFile("c.pdf", b"fake", content_type="application/pdf")},
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 400 and "not really a .pdf file" in htmx.content.decode()

    real = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"body": "See file", "attachment": real})
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    message = Message.objects.get()
    assert message.attachment.name == "contract.pdf"
    fragment = client.post(url, {"body": "And another note"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "And another note" in html and "contract.pdf" in html and "<html" not in html
