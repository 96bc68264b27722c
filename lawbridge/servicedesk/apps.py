from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "lawbridge.servicedesk"
    label = "servicedesk"
    verbose_name = _("One-stop service desk")

    def ready(self) -> None:
        from lawbridge.core.audit import register

        from . import models, rules, rules_collab  # noqa: F401

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
            "servicedesk.sla.started": _("Service-level clocks started"),
            "servicedesk.sla.responded": _("First response given"),
            "servicedesk.sla.warned": _("Service-level deadline approaching"),
            "servicedesk.sla.escalated": _("Escalated: no first response in time"),
            "servicedesk.sla.breached": _("Resolution deadline passed"),
            "servicedesk.conference.convened": _("Case conference convened"),
            "servicedesk.conference.answered": _("Invitation answered"),
            "servicedesk.conference.posted": _("Posted in the conference"),
            "servicedesk.conference.opinion_saved": _("Joint opinion saved"),
            "servicedesk.conference.decided": _("Conference decided"),
            "servicedesk.conference.cancelled": _("Conference cancelled"),
            "servicedesk.task.assigned": _("Coordination task assigned"),
            "servicedesk.task.updated": _("Coordination task updated"),
            "servicedesk.message.posted": _("Message sent"),
        }.items():
            describe_event(name, label)
        describe_payload("number", _("number"))
        describe_payload("experts", _("providers"))
        describe_payload("expert", _("provider"))
        describe_payload("rating", _("rating"))

        from lawbridge.core import dashboard
        from lawbridge.core.context_processors import register_nav

        from . import panels

        dashboard.register(panels.panels)

        register_nav(_("Get help"), "servicedesk:new", perm="servicedesk.create_request")
        register_nav(_("My requests"), "servicedesk:mine", perm="servicedesk.create_request")
        register_nav(_("Service queue"), "servicedesk:queue", perm="servicedesk.view_queues")
        register_nav(_("Dispatch"), "servicedesk:dispatch", perm="servicedesk.dispatch")
        register_nav(_("Conferences"), "servicedesk:conferences", perm="servicedesk.view_any_conference")
        register_nav(_("Tasks"), "servicedesk:tasks", perm="servicedesk.view_any_task")
        register_nav(_("My offers"), "servicedesk:offers", perm="network.view_own_profile")
        describe_payload("clock", _("clock"))
        describe_payload("participants", _("participants"))
        describe_payload("assignee", _("assigned to"))
        describe_payload("due_on", _("due"))
        describe_payload("version", _("version"))
        describe_payload("hours_left", _("working hours left"))
        describe_payload("on_time", _("on time"))
        describe_payload("first_response_due", _("first response due"))
        describe_payload("resolution_due", _("resolution due"))
