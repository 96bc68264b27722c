"""Service-level clocks in working hours, Chinese holidays and make-up working days included, with a frozen clock."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.core.audit import entries_for
from lawbridge.core.models import Notification
from lawbridge.servicedesk import services, sla
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def calendar():
    return sla.WorkingCalendar.from_config()


def test_working_hours_skip_lunch_nights_weekends_and_holidays(calendar):
    # Thursday 2026-11-26 11:00 + 2 working hours: one before lunch, one after.
    assert calendar.add(at(2026, 11, 26, 11, 0), 2) == at(2026, 11, 26, 14, 30)
    # Friday 17:00 + 1 hour: half an hour on Friday, the rest on Monday morning.
    assert calendar.add(at(2026, 11, 27, 17, 0), 1) == at(2026, 11, 30, 9, 0)
    # Filed at night: the clock starts at 08:30 the next working day.
    assert calendar.add(at(2026, 11, 26, 22, 0), 0.5) == at(2026, 11, 27, 9, 0)
    # National Day week 2026: 1–7 October off; Saturday 10 October is a make-up working day.
    assert calendar.add(at(2026, 9, 30, 17, 0), 1) == at(2026, 10, 8, 9, 0)
    assert calendar.is_working_day(at(2026, 10, 10, 9).date())
    assert not calendar.is_working_day(at(2026, 10, 5, 9).date())
    assert calendar.hours_between(at(2026, 11, 26, 11, 0), at(2026, 11, 26, 14, 30)) == 2


@pytest.fixture
def network():
    center = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.CENTER, district_code="330106",
        uscc="", slug="t-center",
    )  # fmt: skip
    sub = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.SUBCENTER, district_code="330108",
        parent=center, uscc="", slug="t-sub",
    )  # fmt: skip
    sub_officer = make_user("subcenter_staff", organisation=sub, language="zh-hans")
    center_officer = make_user("center_staff", organisation=center)
    return center, sub, sub_officer, center_officer


def test_an_urgent_request_warns_then_escalates_to_the_center_on_time(network):
    center, sub, sub_officer, center_officer = network
    requester = make_user(None, language="en")
    with time_machine.travel(at(2026, 11, 26, 10, 0), tick=False):
        request = services.request_create(
            requester=requester, title="Seizure", description="Goods held", need="contract_review",
            countries=["DE"], district_code="330108", urgency="urgent",
        )  # fmt: skip
    request.refresh_from_db()
    assert request.service_point == sub
    assert request.first_response_due == at(2026, 11, 26, 12, 0)  # 2 working hours

    with time_machine.travel(at(2026, 11, 26, 11, 0), tick=False):
        assert sla.sweep() == {"warned": 0, "escalated": 0, "breached": 0}
    with time_machine.travel(at(2026, 11, 26, 11, 35), tick=False):  # 25 minutes left of 2 hours: warn
        assert sla.sweep()["warned"] == 1
        assert sla.sweep()["warned"] == 0  # once
    warning = Notification.objects.get(user=sub_officer)
    assert "工作小时" in warning.title  # in the officer's language

    with time_machine.travel(at(2026, 11, 26, 12, 0, 1), tick=False):
        assert sla.sweep()["escalated"] == 1
    request.refresh_from_db()
    assert request.service_point == center and request.escalated and request.sla_escalations == 1
    # A new clock at the center: two working hours from the end of lunch (13:30).
    assert request.first_response_due == at(2026, 11, 26, 15, 30)
    assert Notification.objects.filter(user=center_officer, title__contains="escalated").exists()
    events = [(e.additional_data or {}).get("event") for e in entries_for(request)]
    assert {"servicedesk.sla.started", "servicedesk.sla.warned", "servicedesk.sla.escalated"} <= set(events)

    with time_machine.travel(at(2026, 11, 26, 14, 0), tick=False):
        services.request_accept(actor=center_officer, request=request)
        request.refresh_from_db()
        assert request.first_response_at == at(2026, 11, 26, 14, 0)
        assert sla.sweep()["escalated"] == 0  # answered: the first-response clock stopped
        states = {s.name: s.state for s in sla.status(request)}
        assert states == {"first_response": "done", "resolution": "ok"}


def test_the_resolution_clock_reports_a_breach_once(network):
    center, sub, sub_officer, _center_officer = network
    with time_machine.travel(at(2026, 11, 26, 9, 0), tick=False):
        request = services.request_create(
            requester=make_user(None), title="Advice", description="…", need="market_entry", countries=["SA"],
            district_code="330108", urgency="critical",
        )  # fmt: skip
        services.request_accept(actor=sub_officer, request=request)
    request.refresh_from_db()
    assert request.resolution_due == sla.WorkingCalendar.from_config().add(at(2026, 11, 26, 9, 0), 15)
    with time_machine.travel(request.resolution_due, tick=False):
        assert sla.sweep()["breached"] == 1
        assert sla.sweep()["breached"] == 0
    request.refresh_from_db()
    assert "resolution:breached" in request.sla_flags
    assert [s.state for s in sla.status(request, now=request.resolution_due) if s.name == "resolution"] == ["overdue"]
