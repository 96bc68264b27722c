from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "lawbridge.delivery"
    label = "delivery"
    verbose_name = _("Cross-border service of process")

    def ready(self) -> None:
        from lawbridge.core.audit import describe_event

        from . import tasks  # noqa: F401

        describe_event("delivery.log.key_rotated", _("Transparency log signing key rotated"))
