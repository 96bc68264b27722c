from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "lawbridge.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from lawbridge.core.audit import register

        from . import models, signals  # noqa: F401

        register(models.User, exclude=("password", "last_login", "date_joined"))
        register(models.Organisation)
        register(models.Membership)
        register(models.ApiToken, exclude=("token_hash", "last_used_at"))
        describe_history()


def describe_history() -> None:
    """Labels for this app's audit events, and role codes shown as role names."""
    from lawbridge.core.audit import describe_event, describe_payload

    from .choices import OrganisationKind, Role

    for name, label in {
        "accounts.organisation.created": _("Organisation registered"),
        "accounts.organisation.verified": _("Organisation verified"),
        "accounts.membership.granted": _("Role given"),
        "accounts.membership.invited": _("Invitation sent"),
        "accounts.membership.accepted": _("Invitation accepted"),
        "accounts.membership.declined": _("Invitation declined"),
        "accounts.membership.ended": _("Role ended"),
        "accounts.user.invited": _("Account made by invitation"),
        "accounts.token.created": _("API token made"),
        "accounts.token.revoked": _("API token revoked"),
        "accounts.login": _("Signed in"),
        "accounts.login.failed": _("Failed sign-in attempt"),
        "accounts.password.changed": _("Password changed"),
        "accounts.mfa.added": _("Two-factor authentication added"),
        "accounts.mfa.removed": _("Two-factor authentication removed"),
        "accounts.email.confirmed": _("Email address confirmed"),
    }.items():
        describe_event(name, label)
    describe_payload("role", _("role"), lambda value: Role(value).label)
    describe_payload("kind", _("kind"), lambda value: OrganisationKind(value).label)
    describe_payload("user", _("user"))
    describe_payload("email", _("email address"))
    describe_payload("name", _("name"))
    describe_payload("type", pgettext_lazy("authenticator", "type"))
