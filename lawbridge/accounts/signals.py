"""Audit records for account events that allauth performs."""

from allauth.account.signals import email_confirmed, password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from lawbridge.core.audit import audit_event


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    audit_event(
        obj=email_address.user,
        event="accounts.email.confirmed",
        actor=email_address.user,
        payload={"email": email_address.email},
    )


@receiver(password_changed)
@receiver(password_reset)
def on_password_changed(request, user, **kwargs):
    audit_event(obj=user, event="accounts.password.changed", actor=user)


@receiver(authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    audit_event(obj=user, event="accounts.mfa.added", actor=user, payload={"type": authenticator.type})


@receiver(authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit_event(obj=user, event="accounts.mfa.removed", actor=user, payload={"type": authenticator.type})


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    audit_event(obj=user, event="accounts.login", actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    email = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = User.objects.filter(email=email).first() if email else None
    if user is not None:  # attempts on unknown addresses are not about anyone's account
        audit_event(obj=user, event="accounts.login.failed", actor=None)
