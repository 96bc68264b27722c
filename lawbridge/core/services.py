"""Writes of the core app: notifications and notification preferences."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import notifications
from .models import Notification, NotificationPreference

EMAIL_MAX_ATTEMPTS = 5


def wants_email(*, user, kind: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if pref is not None:
        return pref.email
    return notifications.get(kind).email_default


def notification_send(*, user, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Put a notification in ``user``'s inbox and, if they want this kind by email, mail it after commit.

    ``title`` and ``body`` should already be in the recipient's language: build them
    inside ``translation.override(user.language)``.
    """
    notifications.get(kind)  # unknown kinds are a programming error, caught early
    notification = Notification(
        user=user, kind=kind, title=title[:200], body=body, url=url, email_wanted=wants_email(user=user, kind=kind)
    )
    notification.full_clean()
    notification.save()
    if notification.email_wanted:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(notification_id=notification.pk))
    return notification


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.get(pk=notification_id, user=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_preferences_set(*, user, email_kinds: set[str]) -> None:
    """Set which kinds reach ``user`` by email; every registered kind not in ``email_kinds`` stays in the inbox only."""
    for kind in notifications.all_kinds():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind.code, defaults={"email": kind.code in email_kinds}
        )


def notification_email_deliver(*, notification_id: int) -> bool:
    """Mail one notification. Idempotent: a notification already mailed is not mailed again.

    Returns True when a mail went out now.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.email_wanted:
            return False
        user = notification.user
        with translation.override(user.language):
            context = {"notification": notification, "user": user, "site_url": settings.LAWBRIDGE_SITE_URL}
            text = render_to_string("core/email/notification.txt", context)
            html = render_to_string("core/email/notification.html", context)
        message = EmailMultiAlternatives(
            subject=notification.title, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
        )
        message.attach_alternative(html, "text/html")
        message.send()
        notification.emailed_at = timezone.now()
        notification.email_error = ""
        notification.save(update_fields=["emailed_at", "email_error"])
        return True


def notification_email_failed(*, notification_id: int, error: str) -> None:
    Notification.objects.filter(pk=notification_id).update(email_error=error[:2000])


def unsent_notification_ids(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(email_wanted=True, emailed_at__isnull=True, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )


def require_perm(actor, perm: str, obj=None) -> None:
    """Refuse unless ``actor`` holds ``perm`` (a rule) on ``obj``. ``actor`` None is the platform itself
    (demo data, periodic tasks, imports from the command line), which the services trust."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))
