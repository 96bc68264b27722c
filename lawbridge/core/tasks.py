"""Background tasks of the core app. Thin: they take ids and call services."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import services
from .http import task_backend
from .schedule import periodic

logger = logging.getLogger(__name__)


def backoff(attempt: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min … between tries."""
    return timedelta(seconds=30 * 4 ** (attempt - 1))


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> bool:
    try:
        return services.notification_email_deliver(notification_id=notification_id)
    except Exception as exc:  # the mail server's errors are many; all mean "try later"
        services.notification_email_failed(notification_id=notification_id, error=f"{type(exc).__name__}: {exc}")
        if attempt >= services.EMAIL_MAX_ATTEMPTS:
            logger.error("Giving up mailing notification %s after %s tries", notification_id, attempt)
            raise
        send_notification_email.using(run_after=timezone.now() + backoff(attempt)).enqueue(
            notification_id=notification_id, attempt=attempt + 1
        )
        raise


@task()
def sweep_unsent_notification_emails() -> int:
    """Re-enqueue mails that never went out (for example when the worker was down)."""
    ids = services.unsent_notification_ids()
    for notification_id in ids:
        send_notification_email.enqueue(notification_id=notification_id)
    return len(ids)


@task()
def prune_finished_task_results(days: int = 30) -> int:
    if task_backend() != "database":
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


periodic("core.sweep_unsent_notification_emails", "*/15 * * * *", sweep_unsent_notification_emails)
periodic("core.prune_finished_task_results", "30 3 * * *", prune_finished_task_results)
