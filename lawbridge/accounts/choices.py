"""Kinds of account and organisation, and the roles people hold in them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")
    STAFF = "staff", pgettext_lazy("account type", "Staff")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Legal service institution")
    GOVERNMENT = "government", _("Government unit")
    JUDICIAL = "judicial", _("Court, procuratorate or arbitration body")
    SERVICE_POINT = "service_point", _("Service point")


class ServicePointLevel(models.TextChoices):
    CENTER = "center", _("Service center")
    SUBCENTER = "subcenter", _("District sub-center")
    WORKSTATION = "workstation", _("Workstation")
    PARK_STATION = "park_station", _("Park station")


class Role(models.TextChoices):
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    LAWYER = "lawyer", _("Lawyer")
    MEDIATOR = "mediator", _("Mediator")
    ARBITRATOR = "arbitrator", _("Arbitrator")
    NOTARY = "notary", _("Notary")
    APPRAISER = "appraiser", _("Judicial appraiser")
    LEGAL_AID_WORKER = "legal_aid_worker", _("Legal aid worker")
    FOREIGN_LAW_EXPERT = "foreign_law_expert", _("Foreign-law expert")
    TRANSLATOR = "translator", _("Translator")
    WORKSTATION_STAFF = "workstation_staff", _("Workstation staff")
    SUBCENTER_STAFF = "subcenter_staff", _("Sub-center staff")
    CENTER_STAFF = "center_staff", _("Service center staff")
    GOVERNMENT_LIAISON = "government_liaison", _("Government liaison")
    JUDICIAL_LIAISON = "judicial_liaison", _("Court, procuratorate or arbitration liaison")
    SUPERVISOR = "supervisor", _("Supervisor")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_MEMBER, Role.ENTERPRISE_ADMIN})
PROVIDER_ROLES = frozenset(
    {
        Role.LAWYER,
        Role.MEDIATOR,
        Role.ARBITRATOR,
        Role.NOTARY,
        Role.APPRAISER,
        Role.LEGAL_AID_WORKER,
        Role.FOREIGN_LAW_EXPERT,
        Role.TRANSLATOR,
    }
)
SERVICE_POINT_ROLES = frozenset({Role.WORKSTATION_STAFF, Role.SUBCENTER_STAFF, Role.CENTER_STAFF})

# Which roles an organisation of each kind can give its members.
ROLES_BY_KIND = {
    OrganisationKind.ENTERPRISE: ENTERPRISE_ROLES,
    OrganisationKind.INSTITUTION: PROVIDER_ROLES | {Role.INSTITUTION_ADMIN},
    OrganisationKind.SERVICE_POINT: SERVICE_POINT_ROLES,
    OrganisationKind.GOVERNMENT: frozenset({Role.GOVERNMENT_LIAISON, Role.SUPERVISOR, Role.PLATFORM_ADMIN}),
    OrganisationKind.JUDICIAL: frozenset({Role.JUDICIAL_LIAISON, Role.INSTITUTION_ADMIN}),
}

# Everyone but enterprise people and individuals handles other people's cases,
# so must sign in with a second factor.
STAFF_ROLES = frozenset(Role) - ENTERPRISE_ROLES
