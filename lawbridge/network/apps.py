from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def load_taxonomies(sender, using="default", **kwargs) -> None:
    """After every migrate, bring the bilingual lists in line with the data files (an upsert)."""
    from . import taxonomy

    taxonomy.load()


class NetworkConfig(AppConfig):
    name = "lawbridge.network"
    label = "network"
    verbose_name = _("Service network and talent pool")

    def ready(self) -> None:
        from lawbridge.core import notifications
        from lawbridge.core.audit import describe_event, describe_payload, register

        from . import models, rules, sharing_tasks, tasks  # noqa: F401

        register(models.ServicePoint)
        register(models.Institution, exclude=("search_text",))
        register(
            models.Expert,
            exclude=("search_text", "updated_at", "credentials_ok", "credentials_expire_on", "was_shared"),
        )
        register(models.Credential, exclude=("reminded_days",))
        register(models.Peer, exclude=("cursor", "last_pulled_at", "last_result", "last_error", "token"))
        notifications.register("network.institution.reviewed", _("Your institution's application was reviewed"))
        notifications.register("network.expert.reviewed", _("An expert profile was verified or rejected"))
        notifications.register("network.credential.expiring", _("A credential is about to expire"))
        for name, label in {
            "network.service_point.changed": _("Service point details changed"),
            "network.institution.applied": _("Institution applied to join the network"),
            "network.institution.submitted": _("Institution submitted for verification"),
            "network.institution.verified": _("Institution verified"),
            "network.institution.rejected": _("Institution rejected"),
            "network.expert.created": _("Expert added"),
            "network.expert.submitted": _("Expert submitted for verification"),
            "network.expert.verified": _("Expert verified"),
            "network.expert.rejected": _("Expert rejected"),
            "network.credential.added": _("Credential added"),
            "network.import.committed": _("Imported from a file"),
        }.items():
            describe_event(name, label)
        describe_payload("reason", _("reason"))
        describe_payload("credential", _("credential"))
        from lawbridge.core import dashboard
        from lawbridge.core.context_processors import register_nav

        from . import panels

        dashboard.register(panels.panels)

        register_nav(_("Find an expert"), "network:experts", public=True)
        register_nav(pgettext_lazy("navigation", "Institutions"), "network:institutions", public=True)
        register_nav(_("Service points"), "network:points", public=True)
        register_nav(_("Verification"), "network:review", perm="network.verify_experts")
        register_nav(_("My institution"), "network:my_institution", perm="network.view_own_institution")
        register_nav(_("My expert profile"), "network:my_profile", perm="network.view_own_profile")
        post_migrate.connect(load_taxonomies, sender=self, dispatch_uid="network.load_taxonomies")
