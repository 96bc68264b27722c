"""Case conferences: who sees which conference, the thread and its documents, the versioned joint opinion, the
decision and what can no longer change after it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.core.models import Notification
from lawbridge.servicedesk import conferences, services
from lawbridge.servicedesk.models import Conference
from lawbridge.servicedesk.services import IllegalTransition
from tests.factories import OrganisationFactory, make_user, service_point, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk():
    """A request at a district sub-center, its officer, two government liaisons and an expert."""
    center = service_point(ServicePointLevel.CENTER)
    sub = service_point(ServicePointLevel.SUBCENTER, district_code="330108", parent=center)
    requester = make_user(None)
    request = services.request_create(
        requester=requester,
        title="Goods seized by customs in Rotterdam",
        description="Our shipment was seized for alleged trademark infringement.",
        need="customs_seizure",
        countries=["NL"],
        languages=["en"],
        district_code="330108",
    )
    officer = make_user(Role.SUBCENTER_STAFF, organisation=sub)
    commerce = OrganisationFactory(kind=OrganisationKind.GOVERNMENT, name="杭州市商务局", uscc="")
    market = OrganisationFactory(kind=OrganisationKind.GOVERNMENT, name="杭州市市场监督管理局", uscc="")
    return {
        "request": request,
        "requester": requester,
        "officer": officer,
        "liaison": make_user(Role.GOVERNMENT_LIAISON, organisation=commerce, language="zh-hans"),
        "other_liaison": make_user(Role.GOVERNMENT_LIAISON, organisation=market),
        "expert": make_user(Role.LAWYER),
    }


def convene(d, *people, title="Customs seizure: what next?"):
    return conferences.conference_convene(
        actor=d["officer"],
        request=d["request"],
        title=title,
        agenda="Can the goods be released on a bond?",
        place="Room 3",
        participants=[(user, "as invited") for user in people],
    )


def test_participants_see_only_the_conferences_they_are_in(desk):
    first = convene(desk, desk["liaison"], desk["expert"])
    second = convene(desk, desk["other_liaison"], title="Trademark position")
    request = desk["request"]

    assert list(conferences.conferences_for(desk["liaison"], request)) == [first]
    assert list(conferences.conferences_for(desk["other_liaison"], request)) == [second]
    assert set(conferences.conferences_for(desk["officer"], request)) == {first, second}
    assert not conferences.conferences_for(desk["requester"], request).exists()
    assert list(conferences.my_conferences(desk["liaison"])) == [first]

    liaison = signed_in(desk["liaison"])
    assert liaison.get(f"/desk/conferences/{first.pk}/").status_code == 200
    assert liaison.get(f"/desk/conferences/{second.pk}/").status_code == 404
    assert signed_in(desk["requester"]).get(f"/desk/conferences/{first.pk}/").status_code == 404
    assert signed_in(desk["officer"]).get(f"/desk/conferences/{second.pk}/").status_code == 200
    page = liaison.get("/desk/conferences/").content.decode()
    assert first.title in page and second.title not in page


def test_invitations_are_notified(desk):
    conference = convene(desk, desk["liaison"], desk["expert"])
    note = Notification.objects.get(user=desk["liaison"])
    assert desk["request"].number in note.title
    assert note.url == f"/desk/conferences/{conference.pk}/"
    assert Notification.objects.filter(user=desk["expert"], title__startswith="You are invited").exists()


def test_only_experts_liaisons_and_staff_can_be_invited(desk):
    with pytest.raises(ValidationError) as caught:
        convene(desk, desk["requester"])
    assert "participants" in caught.value.message_dict
    with pytest.raises(ValidationError):
        convene(desk)
    with pytest.raises(PermissionDenied):
        conferences.conference_convene(
            actor=desk["liaison"], request=desk["request"], title="x", participants=[(desk["expert"], "")]
        )


def test_the_opinion_is_versioned_and_frozen_by_the_decision(desk):
    conference = convene(desk, desk["liaison"], desk["expert"])
    first = conferences.opinion_save(actor=desk["liaison"], conference=conference, text="Apply for release.")
    second = conferences.opinion_save(
        actor=desk["expert"], conference=conference, text="Apply for release on a bond.\nFile an objection."
    )
    assert (first.number, second.number) == (1, 2)
    assert [v.text for v in conferences.opinion_versions(conference)] == [
        "Apply for release on a bond.\nFile an objection.",
        "Apply for release.",
    ]
    with pytest.raises(ValidationError):  # the same text again is not a new version
        conferences.opinion_save(actor=desk["expert"], conference=conference, text=second.text)
    with pytest.raises(PermissionDenied):  # not in this conference
        conferences.opinion_save(actor=desk["other_liaison"], conference=conference, text="Mine")

    older, newer, diff = conferences.opinion_diff(conference)
    assert (older.number, newer.number) == (1, 2)
    assert {"remove", "add"} <= {line.kind for line in diff}

    client = signed_in(desk["liaison"])
    page = client.get(f"/desk/conferences/{conference.pk}/").content.decode()
    assert "<del>-Apply for release.</del>" in page and "<ins>+File an objection.</ins>" in page
    earlier = client.get(f"/desk/conferences/{conference.pk}/?version=1").context["shown"]
    assert earlier.number == 1

    with pytest.raises(PermissionDenied):  # a participant does not decide
        conferences.conference_decide(actor=desk["liaison"], conference=conference, decision="x")
    Notification.objects.all().delete()
    decided = conferences.conference_decide(
        actor=desk["officer"], conference=conference, decision="Apply for release on a bond this week."
    )
    assert decided.state == Conference.State.DECIDED and decided.decided_by == desk["officer"]
    assert decided.decided_at is not None
    assert set(Notification.objects.values_list("user", flat=True)) == {desk["liaison"].pk, desk["expert"].pk}

    with pytest.raises(IllegalTransition):
        conferences.opinion_save(actor=desk["expert"], conference=decided, text="A late change")
    with pytest.raises(IllegalTransition):
        conferences.conference_post(actor=desk["expert"], conference=decided, body="Too late")
    response = client.post(f"/desk/conferences/{conference.pk}/opinion/", {"text": "A late change"})
    assert response.status_code == 400
    assert conference.opinions.count() == 2
    page = client.get(f"/desk/conferences/{conference.pk}/").content.decode()
    assert "Apply for release on a bond this week." in page and 'name="text"' not in page


def test_the_thread_keeps_documents_with_their_digest(desk):
    conference = convene(desk, desk["liaison"], desk["expert"])
    with pytest.raises(ValidationError) as caught:
        conferences.conference_post(
            actor=desk["expert"], conference=conference, document=("seizure.pdf", b"<html>not a pdf</html>")
        )
    assert "document" in caught.value.message_dict
    post = conferences.conference_post(
        actor=desk["expert"], conference=conference, body="The seizure notice", document=("notice.pdf", PDF)
    )
    assert post.file_name == "notice.pdf" and len(post.sha256) == 64
    assert Notification.objects.filter(user=desk["liaison"], url__endswith="#thread").exists()

    url = f"/desk/conferences/{conference.pk}/documents/{post.pk}/"
    response = signed_in(desk["liaison"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert signed_in(desk["other_liaison"]).get(url).status_code == 404
    assert signed_in(desk["requester"]).get(url).status_code == 404

    client = signed_in(desk["liaison"])
    fake = SimpleUploadedFile("fake.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(f"/desk/conferences/{conference.pk}/posts/", {"body": "", "document": fake})
    assert response.status_code == 400 and conference.posts.count() == 1
    real = SimpleUploadedFile("opinion.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/desk/conferences/{conference.pk}/posts/", {"body": "Draft", "document": real})
    assert response.status_code == 302 and conference.posts.count() == 2


def test_a_declined_invitation_leaves_read_access_only(desk):
    conference = convene(desk, desk["liaison"], desk["expert"])
    client = signed_in(desk["expert"])
    assert client.post(f"/desk/conferences/{conference.pk}/answer/", {"answer": "declined"}).status_code == 302
    assert Notification.objects.filter(user=desk["officer"], title__contains="declined").exists()
    with pytest.raises(PermissionDenied):
        conferences.conference_post(actor=desk["expert"], conference=conference, body="Hello")
    assert client.get(f"/desk/conferences/{conference.pk}/").status_code == 200


def test_staff_convene_from_the_page_and_cancel(desk):
    client = signed_in(desk["officer"])
    url = f"/desk/requests/{desk['request'].number}/conferences/new/"
    form = client.get(url)
    assert form.status_code == 200
    assert signed_in(desk["liaison"]).get(url).status_code == 404  # may not see the request at all
    response = client.post(
        url,
        {
            "title": "Joint study",
            "agenda": "Bond or objection?",
            "participants": [desk["liaison"].pk, desk["expert"].pk],
        },
    )
    assert response.status_code == 302
    conference = Conference.objects.get(title="Joint study")
    assert {p.user for p in conference.participants.all()} == {desk["liaison"], desk["expert"]}
    assert client.post(url, {"title": "", "agenda": "", "participants": []}).status_code == 400

    assert signed_in(desk["liaison"]).post(f"/desk/conferences/{conference.pk}/cancel/", {}).status_code == 403
    response = client.post(f"/desk/conferences/{conference.pk}/cancel/", {"reason": "Settled by the parties"})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.state == Conference.State.CANCELLED
    with pytest.raises(IllegalTransition):
        conferences.conference_decide(actor=desk["officer"], conference=conference, decision="x")


def test_the_partial_lists_conferences(desk):
    from django.template.loader import render_to_string

    conference = convene(desk, desk["liaison"])
    html = render_to_string(
        "servicedesk/_conferences.html",
        {"conferences": conferences.conferences_for(desk["officer"], desk["request"]), "request": desk["request"],
         "can_convene": True},
    )  # fmt: skip
    assert f"/desk/conferences/{conference.pk}/" in html and "/conferences/new/" in html
