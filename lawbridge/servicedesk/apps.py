from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "lawbridge.servicedesk"
    label = "servicedesk"
    verbose_name = _("One-stop service desk")

    def ready(self) -> None:
        from lawbridge.core.audit import register

        from . import models, rules  # noqa: F401

        register(models.ServiceRequest, exclude=("version",))
        register(models.Offer)
