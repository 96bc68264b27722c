"""Notifications: the inbox, the email preference, and delivery through the real database task worker."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from lawbridge.core import selectors, services
from lawbridge.core.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


# The worker closes and reopens database connections like a real worker does, so these tests
# commit for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_notification_is_mailed_by_the_worker_in_the_recipients_language():
    user = make_user(None, language="zh-hans")
    with translation.override(user.language):
        n = services.notification_send(
            user=user, kind="accounts.organisation.verified", title="标题", body="正文", url="/dashboard/"
        )
    assert DBTaskResult.objects.filter(task_path__endswith="send_notification_email").count() == 1
    assert mail.outbox == []  # nothing is sent inside the request
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "标题"
    assert "http://127.0.0.1:8000/dashboard/" in message.body
    assert "通知设置" in message.body  # the footer rendered in Chinese
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_delivery_is_idempotent(django_capture_on_commit_callbacks):
    user = make_user(None)
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notification_send(user=user, kind="accounts.organisation.verified", title="Hello")
    assert services.notification_email_deliver(notification_id=n.pk) is True
    assert services.notification_email_deliver(notification_id=n.pk) is False
    assert len(mail.outbox) == 1


def test_inbox_only_kinds_are_not_mailed(django_capture_on_commit_callbacks):
    user = make_user(None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = services.notification_send(user=user, kind="core.announcement", title="Maintenance tonight")
    assert callbacks == []
    assert not n.email_wanted
    assert selectors.notification_list(user=user, unread_only=True).get() == n


def test_user_preferences_decide_what_is_mailed(django_capture_on_commit_callbacks):
    user = make_user(None)
    services.notification_preferences_set(user=user, email_kinds={"core.announcement"})
    assert services.wants_email(user=user, kind="core.announcement")
    assert not services.wants_email(user=user, kind="accounts.organisation.verified")
    settings_rows = {kind.code: wanted for kind, wanted in selectors.notification_email_settings(user=user)}
    assert settings_rows["core.announcement"] is True
    assert settings_rows["accounts.organisation.verified"] is False


def test_unknown_kind_is_a_programming_error():
    user = make_user(None)
    with pytest.raises(LookupError):
        services.notification_send(user=user, kind="no.such.kind", title="x")


def test_mark_read_and_all_read_touch_only_the_owner():
    alice, bob = make_user(None), make_user(None)
    a1 = services.notification_send(user=alice, kind="core.announcement", title="a1")
    services.notification_send(user=alice, kind="core.announcement", title="a2")
    b1 = services.notification_send(user=bob, kind="core.announcement", title="b1")
    with pytest.raises(Notification.DoesNotExist):
        services.notification_mark_read(user=alice, notification_id=b1.pk)
    services.notification_mark_read(user=alice, notification_id=a1.pk)
    assert services.notification_mark_all_read(user=alice) == 1
    b1.refresh_from_db()
    assert b1.read_at is None


@pytest.mark.django_db(transaction=True)
def test_failed_mail_is_retried_later_with_a_visible_status(settings):
    settings.EMAIL_BACKEND = "tests.core.failing_mail.FailingBackend"
    user = make_user(None)
    n = services.notification_send(user=user, kind="accounts.organisation.verified", title="Hello")
    run_worker()
    n.refresh_from_db()
    assert n.emailed_at is None
    assert "SMTPServerDisconnected" in n.email_error
    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in results] == ["FAILED", "READY"]
    assert results[1].run_after is not None  # deferred: backoff before the next try
    assert results[1].args_kwargs["kwargs"]["attempt"] == 2
