from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lawbridge.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from . import models, notifications, schedule  # noqa: F401
        from .audit import register

        register(models.NotificationPreference)
        schedule.autodiscover()
