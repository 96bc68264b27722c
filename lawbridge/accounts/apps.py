from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
