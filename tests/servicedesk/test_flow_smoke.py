import pytest

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.servicedesk import services
from lawbridge.servicedesk.choices import Status
from tests.factories import OrganisationFactory, make_expert, make_user

pytestmark = pytest.mark.django_db


def test_file_accept_offer_accept_close_rate():
    center = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.CENTER, uscc=""
    )
    sub = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        service_point_level=ServicePointLevel.SUBCENTER,
        district_code="330108",
        parent=center,
        uscc="",
    )
    person = make_user(None, language="en")
    request = services.request_create(
        requester=person,
        title="Contract with a Japanese buyer",
        description="Review please",
        need="contract_review",
        countries=["JP"],
        languages=["en"],
        district_code="330108",
    )
    assert request.number.startswith("HZ-") and request.service_point == sub and request.stage == "prevention"
    officer = make_user("subcenter_staff", organisation=sub)
    request = services.request_accept(actor=officer, request=request)
    lawyer = make_user("lawyer")
    expert = make_expert(user=lawyer, languages=[("en", "fluent")], jurisdictions=["JP"])
    (offer,) = services.offers_send(actor=officer, request=request, experts=[expert])
    request = services.offer_accept(actor=lawyer, offer=offer)
    assert request.status == Status.ASSIGNED and request.assigned_expert == expert
    request = services.request_close(actor=lawyer, request=request, outcome="Reviewed; two clauses changed.")
    request = services.request_rate(actor=person, request=request, rating=5)
    expert.refresh_from_db()
    assert expert.rating_count == 1 and expert.matters_handled == 1 and expert.open_matters == 0


def test_the_new_request_notice_goes_to_the_point_it_was_filed_at(django_capture_on_commit_callbacks):
    from lawbridge.core.models import Notification
    from tests.factories import service_point

    center = service_point(ServicePointLevel.CENTER)
    sub = service_point(ServicePointLevel.SUBCENTER, district_code="330108", parent=center)
    sub_officer = make_user("subcenter_staff", organisation=sub)
    center_officer = make_user("center_staff", organisation=center)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_create(
            requester=make_user(None), title="Help", description="…", need="mediation", countries=["VN"],
            district_code="330108",
        )  # fmt: skip
        services.request_escalate(actor=sub_officer, request=request, reason="Too big for the district")
    assert Notification.objects.filter(user=sub_officer, title__startswith="New request").count() == 1
    assert Notification.objects.filter(user=center_officer).count() == 1  # the escalation, not a second "new"
