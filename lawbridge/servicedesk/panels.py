"""The service desk's panel on the dashboard: open requests in the user's queues, by status and urgency."""

from django.urls import reverse
from django.utils.translation import gettext as _

from lawbridge.core.dashboard import Panel

from . import selectors
from .choices import OPEN_STATUSES, Status, Urgency


def panels(user) -> list[Panel]:
    if not user.has_perm("servicedesk.view_queues"):
        return []
    _requests, by_status, by_urgency = selectors.queue(user=user)
    return [
        Panel(
            title=_("Open service requests"),
            rows=[(str(Status(s).label), by_status.get(s, 0)) for s in OPEN_STATUSES],
            url=reverse("servicedesk:queue"),
            link_label=_("Service queue"),
        ),
        Panel(
            title=_("Open service requests by urgency"),
            rows=[(str(u.label), by_urgency.get(u.value, 0)) for u in Urgency],
        ),
    ]
