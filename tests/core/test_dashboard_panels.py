"""The dashboard shows each app's figures to those who may see them, as bars."""

import pytest

from lawbridge.accounts.choices import ServicePointLevel
from lawbridge.servicedesk import services
from tests.factories import make_expert, make_user, service_point, signed_in

pytestmark = pytest.mark.django_db


def test_staff_see_the_pool_and_their_queue_in_figures():
    center = service_point(ServicePointLevel.CENTER)
    make_expert(kind="mediator")
    make_expert(status="pending")
    requester = make_user(None)
    services.request_create(
        requester=requester, title="Help", description="…", need="mediation", countries=["VN"], service_point=center,
        urgency="urgent",
    )  # fmt: skip
    officer = make_user("center_staff", organisation=center)
    page = signed_in(officer).get("/dashboard/").content.decode()
    assert "The talent pool" in page and "Mediator" in page
    assert "1 profile or application waits for verification." in page
    assert "Open service requests" in page and "Urgent (days)" in page
    assert page.count("<meter") >= 7 + 5 + 3  # kinds, open statuses, urgencies


def test_people_without_those_rights_see_no_such_figures():
    page = signed_in(make_user("enterprise_member")).get("/dashboard/").content.decode()
    assert "The talent pool" not in page and "Open service requests" not in page
