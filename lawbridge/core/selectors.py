"""Reads of the core app."""

from django.db.models import QuerySet

from . import notifications
from .http import task_backend
from .models import Notification, NotificationPreference, ScheduledRun


def notification_email_settings(*, user) -> list[tuple[notifications.NotificationKind, bool]]:
    """Every registered kind with whether it reaches ``user`` by email."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return [(kind, chosen.get(kind.code, kind.email_default)) for kind in notifications.all_kinds()]


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def task_results(*, user, status: str = "", limit: int = 100):
    """Recent background task results, for admins. Empty when tasks go through Redis (RQ has its own views)."""
    if not user.has_perm("core.view_task_status"):
        return []
    if task_backend() != "database":
        return []
    from django_tasks_db.models import DBTaskResult

    qs = DBTaskResult.objects.order_by("-enqueued_at")
    if status:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def scheduled_runs(*, user, limit: int = 50) -> QuerySet[ScheduledRun]:
    if not user.has_perm("core.view_task_status"):
        return ScheduledRun.objects.none()
    return ScheduledRun.objects.all()[:limit]
