from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "lawbridge.delivery"
    label = "delivery"
    verbose_name = _("Cross-border service of process")
