"""Audit records for account events that allauth performs."""

from allauth.account.signals import email_confirmed, password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed
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
