"""Service-level clocks: first response and resolution, counted in working hours.

Working time is the periods of ``data/servicedesk/sla.json`` (e.g. 08:30–12:00 and 13:30–17:30) on working days.
Working days come from the ``holidays`` library's calendar for China: weekends and public holidays are off, and
the make-up working days (调休) that fall on a weekend are on. Each clock event (started, warned, escalated,
breached) is an audit event on the request.

When the first-response clock runs out, the request moves one level up the 1+N network — a workstation or park
station to its district sub-center, a sub-center to the center — and a new clock starts there; at the center a
run-out clock is reported to platform administrators and supervisors. The resolution clock warns and reports a
breach; it does not move the request, which by then is with a provider.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lawbridge.core.audit import audit_event

from .choices import OPEN_STATUSES, Status


@cache
def config() -> dict:
    path = settings.LAWBRIDGE_DATA_DIR / "servicedesk" / "sla.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo
    periods: tuple[tuple[time, time], ...]

    @classmethod
    def from_config(cls, data: dict | None = None) -> "WorkingCalendar":
        data = data or config()
        periods = tuple((time.fromisoformat(start), time.fromisoformat(end)) for start, end in data["working_periods"])
        return cls(zone=ZoneInfo(data.get("time_zone", settings.TIME_ZONE)), periods=periods)

    def is_working_day(self, day: date) -> bool:
        return _china(day.year).is_working_day(day)

    def _spans(self, day: date):
        if self.is_working_day(day):
            for start, end in self.periods:
                yield datetime.combine(day, start, self.zone), datetime.combine(day, end, self.zone)

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of working time after ``start``."""
        left = timedelta(hours=hours)
        moment = start.astimezone(self.zone)
        day = moment.date()
        for _day in range(800):  # more than two years of days: a bound, never reached with sane settings
            for span_start, span_end in self._spans(day):
                if moment >= span_end:
                    continue
                begin = max(moment, span_start)
                available = span_end - begin
                if left <= available:
                    return begin + left
                left -= available
            day += timedelta(days=1)
            moment = datetime.combine(day, time(0), self.zone)
        raise ValueError("No working time found within two years; check the working periods.")

    def hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from ``start`` to ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.hours_between(end, start)
        total = timedelta()
        day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        while day <= last:
            for span_start, span_end in self._spans(day):
                begin, finish = max(span_start, start), min(span_end, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 3600


@cache
def _china(year: int):
    return holidays.China(years=range(year - 1, year + 3))


def _hours(kind: str, request) -> float:
    data = config()
    override = data.get("by_need", {}).get(request.need, {}).get(f"{kind}_hours", {})
    return float(override.get(request.urgency, data[f"{kind}_hours"][request.urgency]))


def start_clocks(request, *, now: datetime | None = None) -> None:
    """Set the due times of a new request (called when it is filed)."""
    from .models import ServiceRequest

    now = now or timezone.now()
    calendar = WorkingCalendar.from_config()
    request.first_response_due = calendar.add(now, _hours("first_response", request))
    request.resolution_due = calendar.add(now, _hours("resolution", request))
    ServiceRequest.objects.filter(pk=request.pk).update(
        first_response_due=request.first_response_due, resolution_due=request.resolution_due
    )
    audit_event(
        obj=request,
        event="servicedesk.sla.started",
        payload={
            "first_response_due": request.first_response_due.isoformat(),
            "resolution_due": request.resolution_due.isoformat(),
        },
    )


def responded(request, *, actor=None, now: datetime | None = None) -> None:
    """Stop the first-response clock the first time staff act on the request."""
    from .models import ServiceRequest

    if request.first_response_at is not None:
        return
    now = now or timezone.now()
    ServiceRequest.objects.filter(pk=request.pk, first_response_at__isnull=True).update(first_response_at=now)
    request.first_response_at = now
    on_time = request.first_response_due is None or now <= request.first_response_due
    audit_event(obj=request, event="servicedesk.sla.responded", actor=actor, payload={"on_time": on_time})


@dataclass
class ClockState:
    name: str
    due: datetime | None
    done_at: datetime | None
    hours_left: float | None  # working hours; negative when overdue
    state: str  # "done", "ok", "warning", "overdue"


def status(request, *, now: datetime | None = None) -> list[ClockState]:
    """Both clocks of a request, for its page."""
    now = now or timezone.now()
    calendar = WorkingCalendar.from_config()
    fraction = float(config().get("warn_before_fraction", 0.25))
    closed = request.closed_at
    states = []
    for name, due, done, total in (
        ("first_response", request.first_response_due, request.first_response_at, _hours("first_response", request)),
        ("resolution", request.resolution_due, closed, _hours("resolution", request)),
    ):
        if due is None:
            continue
        if done is not None:
            states.append(ClockState(name, due, done, None, "done"))
            continue
        left = calendar.hours_between(now, due)
        state = "overdue" if left <= 0 else "warning" if left <= total * fraction else "ok"
        states.append(ClockState(name, due, None, round(left, 1), state))
    return states


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic: warn before a clock runs out; when the first-response clock runs out, escalate one level."""
    from .models import ServiceRequest

    now = now or timezone.now()
    calendar = WorkingCalendar.from_config()
    fraction = float(config().get("warn_before_fraction", 0.25))
    done = {"warned": 0, "escalated": 0, "breached": 0}
    pending = ServiceRequest.objects.filter(status__in=OPEN_STATUSES).select_related("service_point__parent")
    for request in pending.filter(first_response_at__isnull=True, first_response_due__isnull=False):
        with transaction.atomic():
            if now >= request.first_response_due:
                _escalate(request, calendar, now)
                done["escalated"] += 1
            elif "first_response:warned" not in request.sla_flags:
                left = calendar.hours_between(now, request.first_response_due)
                if left <= _hours("first_response", request) * fraction:
                    _flag(request, "first_response:warned")
                    _warn(request, "first_response", left)
                    done["warned"] += 1
    for request in pending.exclude(status=Status.SUBMITTED).filter(resolution_due__isnull=False):
        with transaction.atomic():
            if now >= request.resolution_due:
                if "resolution:breached" not in request.sla_flags:
                    _flag(request, "resolution:breached")
                    audit_event(obj=request, event="servicedesk.sla.breached", payload={"clock": "resolution"})
                    _warn(request, "resolution", 0, breached=True)
                    done["breached"] += 1
            elif "resolution:warned" not in request.sla_flags:
                left = calendar.hours_between(now, request.resolution_due)
                if left <= _hours("resolution", request) * fraction:
                    _flag(request, "resolution:warned")
                    _warn(request, "resolution", left)
                    done["warned"] += 1
    return done


def _flag(request, flag: str) -> None:
    from .models import ServiceRequest

    request.sla_flags = [*request.sla_flags, flag]
    ServiceRequest.objects.filter(pk=request.pk).update(sla_flags=request.sla_flags)


def _recipients(request):
    from .services import _point_staff

    return list(_point_staff(request))


def _warn(request, clock: str, hours_left: float, *, breached: bool = False) -> None:
    from django.urls import reverse

    from lawbridge.core.services import notification_send

    if not breached:
        audit_event(
            obj=request, event="servicedesk.sla.warned", payload={"clock": clock, "hours_left": round(hours_left, 1)}
        )
    url = reverse("servicedesk:request", args=[request.number])
    for user in _recipients(request):
        with translation.override(user.language):
            if breached:
                title = _("%(number)s is past its resolution deadline") % {"number": request.number}
            elif clock == "first_response":
                title = _("%(number)s needs a first response within %(hours)s working hours") % {
                    "number": request.number, "hours": f"{hours_left:.1f}"}  # fmt: skip
            else:
                title = _("%(number)s must be resolved within %(hours)s working hours") % {
                    "number": request.number, "hours": f"{hours_left:.1f}"}  # fmt: skip
            notification_send(user=user, kind="servicedesk.request", title=title, url=url)


def _escalate(request, calendar: WorkingCalendar, now: datetime) -> None:
    """The first-response clock ran out: one level up the 1+N network, and a new clock there."""
    from django.urls import reverse

    from lawbridge.accounts import selectors as account_selectors
    from lawbridge.accounts.choices import Role, ServicePointLevel
    from lawbridge.accounts.models import User
    from lawbridge.core.services import notification_send

    from .models import ServiceRequest

    point = request.service_point
    if point.service_point_level == ServicePointLevel.CENTER:
        target = None
    elif point.service_point_level == ServicePointLevel.SUBCENTER:
        target = account_selectors.service_center()
    else:
        target = point.parent or account_selectors.service_point_for_district(point.district_code)
    new_due = calendar.add(now, _hours("first_response", request))
    changes = {"first_response_due": new_due, "sla_escalations": request.sla_escalations + 1, "sla_flags": []}
    if target is not None:
        changes.update(service_point=target, escalated=target.service_point_level == ServicePointLevel.CENTER)
    ServiceRequest.objects.filter(pk=request.pk).update(**changes)
    before = point.slug
    request.refresh_from_db()
    audit_event(
        obj=request,
        event="servicedesk.sla.escalated",
        payload={"clock": "first_response", "first_response_due": new_due.isoformat()},
        changes={"service_point": [before, request.service_point.slug]},
    )
    url = reverse("servicedesk:request", args=[request.number])
    recipients = _recipients(request)
    if target is None:  # already at the top: tell those who oversee the network
        recipients += list(
            User.objects.filter(
                memberships__role__in=[Role.PLATFORM_ADMIN, Role.SUPERVISOR],
                memberships__is_active=True,
                is_active=True,
            ).distinct()
        )
    for user in {u.pk: u for u in recipients}.values():
        with translation.override(user.language):
            title = _("%(number)s had no first response in time and is escalated to you") % {"number": request.number}
            if target is None:
                title = _("%(number)s had no first response in time at the center") % {"number": request.number}
            notification_send(user=user, kind="servicedesk.request", title=title, url=url)
