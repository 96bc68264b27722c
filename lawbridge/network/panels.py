"""The network's panel on the dashboard: for staff who verify, the pool by kind and what waits for them."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lawbridge.core.dashboard import Panel

from . import selectors
from .choices import ExpertKind, ReviewStatus


def panels(user) -> list[Panel]:
    if not user.has_perm("network.verify_experts"):
        return []
    counts = dict(
        selectors.visible_experts(user)
        .filter(status=ReviewStatus.VERIFIED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    queue = selectors.review_queue(user)
    waiting = queue["experts"].count() + queue["institutions"].count()
    expiring = selectors.expiring_credentials(days=30).filter(expert__status=ReviewStatus.VERIFIED).count()
    return [
        Panel(
            title=_("The talent pool"),
            rows=[(str(kind.label), counts.get(kind.value, 0)) for kind in ExpertKind],
            url=reverse("network:review"),
            link_label=_("Verification queue"),
            notes=[
                ngettext(
                    "%(n)d profile or application waits for verification.",
                    "%(n)d profiles or applications wait for verification.",
                    waiting,
                )
                % {"n": waiting},
                ngettext(
                    "%(n)d credential expires within 30 days.", "%(n)d credentials expire within 30 days.", expiring
                )
                % {"n": expiring},
            ],
        )
    ]
