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
        from lawbridge.core import notifications
        from lawbridge.core.audit import describe_event, describe_payload

        from . import tasks  # noqa: F401

        notifications.register("servicedesk.request", _("News about a service request"))
        for name, label in {
            "servicedesk.request.created": _("Request filed"),
            "servicedesk.request.accepted": _("Request accepted"),
            "servicedesk.request.info_requested": _("More information asked for"),
            "servicedesk.request.info_given": _("Information given"),
            "servicedesk.request.merged": _("Merged into another request"),
            "servicedesk.request.escalated": _("Escalated to the center"),
            "servicedesk.request.referred_out": _("Referred elsewhere"),
            "servicedesk.request.withdrawn": _("Withdrawn by the requester"),
            "servicedesk.attachment.added": _("Attachment added"),
            "servicedesk.offers.sent": _("Offers sent"),
            "servicedesk.offer.accepted": _("Offer accepted"),
            "servicedesk.offer.declined": _("Offer declined"),
            "servicedesk.offer.expired": _("Offer expired"),
            "servicedesk.request.closed": _("Matter closed"),
            "servicedesk.request.rated": _("Service rated"),
        }.items():
            describe_event(name, label)
        describe_payload("number", _("number"))
        describe_payload("experts", _("providers"))
        describe_payload("expert", _("provider"))
        describe_payload("rating", _("rating"))
