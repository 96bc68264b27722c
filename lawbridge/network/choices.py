"""Fixed lists of the network app. Lists that a city may extend (practice areas, industries, service kinds,
cities) are data files instead: see ``taxonomy.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Vocabulary(models.TextChoices):
    PRACTICE_AREA = "practice_area", _("Practice area")
    INDUSTRY = "industry", _("Industry")
    SERVICE_KIND = "service_kind", _("Service")
    CITY = "city", _("City")


class InstitutionKind(models.TextChoices):
    LAW_FIRM = "law_firm", _("Law firm")
    ARBITRATION = "arbitration", _("Arbitration commission")
    NOTARY = "notary", _("Notary office")
    APPRAISAL = "appraisal", _("Judicial appraisal body")
    MEDIATION = "mediation", _("Mediation organisation")
    LEGAL_AID = "legal_aid", _("Legal aid center")
    ASCERTAINMENT = "ascertainment", _("Foreign-law ascertainment center")
    COURT_LIAISON = "court_liaison", _("Court liaison office")
    PROCURATORATE_LIAISON = "procuratorate_liaison", _("Procuratorate liaison office")
    CHAMBER = "chamber", _("Chamber of commerce")
    ASSOCIATION = "association", _("Industry association")


class ExpertKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    ARBITRATOR = "arbitrator", _("Arbitrator")
    MEDIATOR = "mediator", _("Mediator")
    NOTARY = "notary", _("Notary")
    APPRAISER = "appraiser", _("Judicial appraiser")
    FOREIGN_LAW_EXPERT = "foreign_law_expert", _("Foreign-law expert")
    TRANSLATOR = "translator", _("Legal translator")


class Tier(models.TextChoices):
    STANDARD = "standard", _("Standard listing")
    CITY_POOL = "city_pool", _("City high-level talent pool")
    PROVINCIAL_POOL = "provincial_pool", _("Provincial foreign-related talent pool")
    NATIONAL_POOL = "national_pool", _("National foreign-related talent pool")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Taking new matters")
    LIMITED = "limited", _("Limited availability")
    UNAVAILABLE = "unavailable", _("Not taking new matters")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    WORKING = "working", _("Working knowledge")
    BASIC = "basic", _("Basic")


class FeeBasis(models.TextChoices):
    HOURLY = "hourly", _("per hour")
    PER_MATTER = "per_matter", _("per matter")
    PRO_BONO = "pro_bono", _("free of charge")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review status", "Draft")
    PENDING = "pending", pgettext_lazy("review status", "Awaiting verification")
    VERIFIED = "verified", pgettext_lazy("review status", "Verified")
    REJECTED = "rejected", pgettext_lazy("review status", "Rejected")


class CredentialKind(models.TextChoices):
    PRACTISING_LICENCE = "practising_licence", _("Practising licence")
    ARBITRATOR_APPOINTMENT = "arbitrator_appointment", _("Arbitrator appointment")
    MEDIATOR_CERTIFICATE = "mediator_certificate", _("Mediator certificate")
    NOTARY_LICENCE = "notary_licence", _("Notary licence")
    APPRAISER_LICENCE = "appraiser_licence", _("Judicial appraiser licence")
    TRANSLATOR_CERTIFICATE = "translator_certificate", _("Translator certificate (CATTI or equal)")
    FOREIGN_QUALIFICATION = "foreign_qualification", _("Foreign bar admission or qualification")
    ACADEMIC = "academic", _("Academic appointment")


class CredentialStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not yet verified")
    VERIFIED = "verified", pgettext_lazy("credential", "Verified")
    REJECTED = "rejected", pgettext_lazy("credential", "Rejected")


# The facets of the expert directory, in the order the page shows them.
EXPERT_FACETS = ("kind", "practice_area", "jurisdiction", "language", "industry", "district", "city")
FACET_LABELS = {
    "kind": _("Kind"),
    "practice_area": _("Practice area"),
    "jurisdiction": _("Jurisdiction"),
    "language": _("Language"),
    "industry": _("Industry"),
    "district": _("District"),
    "city": _("City"),
}
INSTITUTION_FACETS = ("kind", "practice_area", "jurisdiction", "language", "district")
