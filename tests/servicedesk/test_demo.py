import pytest

from lawbridge.core.demo import build
from lawbridge.servicedesk.choices import Status
from lawbridge.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state_and_is_idempotent():
    build()
    states = set(ServiceRequest.objects.values_list("status", flat=True))
    assert states >= {
        Status.SUBMITTED, Status.INFO_REQUESTED, Status.ACCEPTED, Status.OFFERED, Status.ASSIGNED, Status.CLOSED,
        Status.MERGED, Status.REFERRED_OUT,
    }  # fmt: skip
    assert ServiceRequest.objects.filter(escalated=True, service_point__service_point_level="center").exists()
    assigned = ServiceRequest.objects.get(status=Status.ASSIGNED)
    assert assigned.assigned_expert.user.email == "lawyer@lawbridge.example"  # the demo lawyer has a matter
    assert ServiceRequest.objects.get(status=Status.CLOSED).rating == 5
    numbers = sorted(ServiceRequest.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) and all(n.startswith("HZ-") for n in numbers)
    from lawbridge.servicedesk.models import Conference, CoordinationTask

    conference = Conference.objects.get()
    assert conference.participants.count() == 3 and conference.opinions.count() == 1
    assert CoordinationTask.objects.get().assignee.slug == "demo-commerce-bureau"
    count = ServiceRequest.objects.count()
    build()
    assert ServiceRequest.objects.count() == count
