"""Reads of the service desk: queues per service point with filters and counts, a user's requests, cross-links."""

from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from lawbridge.accounts.choices import Role
from lawbridge.accounts.rules import is_center_staff, is_network_staff, is_platform_admin, is_supervisor

from .choices import OPEN_STATUSES
from .models import Offer, ServiceRequest


def visible_requests(user) -> QuerySet[ServiceRequest]:
    """Every request ``user`` may see (the same rule as servicedesk.view_request)."""
    requests = ServiceRequest.objects.select_related("service_point", "requester", "assigned_expert")
    if not (user.is_authenticated and user.is_active):
        return requests.none()
    if is_platform_admin(user) or is_center_staff(user) or is_supervisor(user):
        return requests
    visible = Q(requester=user) | Q(assigned_expert__user=user) | Q(offers__expert__user=user)
    admin_of = user.memberships.filter(role=Role.ENTERPRISE_ADMIN, is_active=True).values("organisation_id")
    visible |= Q(organisation_id__in=admin_of)
    if is_network_staff(user):
        points = user.memberships.filter(is_active=True).values("organisation_id")
        visible |= Q(service_point_id__in=points) | Q(district_code__in=list(user.service_districts))
    return requests.filter(visible).distinct()


def queue(*, user, point=None, status: str = "", urgency: str = "", need: str = "", open_only: bool = True):
    """A service point's queue (``point`` None: everything the user handles), newest first, with counts per
    status and urgency over the same filters."""
    requests = visible_requests(user)
    if point is not None:
        requests = requests.filter(service_point=point)
    if open_only:
        requests = requests.filter(status__in=OPEN_STATUSES)
    if need:
        requests = requests.filter(need=need)
    # Each count is taken with the other filters applied, so it says what picking that value would show.
    by_urgency = requests.filter(urgency=urgency) if urgency else requests
    by_status = requests.filter(status=status) if status else requests
    counts_by_status = Counter(by_urgency.values_list("status", flat=True))
    counts_by_urgency = Counter(by_status.values_list("urgency", flat=True))
    if status:
        requests = requests.filter(status=status)
    if urgency:
        requests = requests.filter(urgency=urgency)
    return requests.order_by("-created_at", "-id"), counts_by_status, counts_by_urgency


def my_requests(*, user) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(requester=user).select_related("service_point").order_by("-created_at")


def my_offers(*, user) -> QuerySet[Offer]:
    return Offer.objects.filter(expert__user=user).select_related("request", "expert").order_by("status", "-sent_at")


def requests_from(source) -> QuerySet[ServiceRequest]:
    """Requests another part opened from ``source`` (for its detail page's cross-links)."""
    kind = ContentType.objects.get_for_model(source)
    return ServiceRequest.objects.filter(source_type=kind, source_id=str(source.pk))


def open_statuses() -> tuple[str, ...]:
    return tuple(OPEN_STATUSES)
