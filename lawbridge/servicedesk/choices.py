"""States and kinds of service requests. Labels through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    PREVENTION = "prevention", _("Prevention (before a problem)")
    CONTROL = "control", _("Control (a problem now)")
    REMEDY = "remedy", _("Remedy (resolving a dispute)")


class Need(models.TextChoices):
    # Prevention
    COMPLIANCE_CHECK = "compliance_check", _("Compliance check")
    CONTRACT_REVIEW = "contract_review", _("Contract review")
    MARKET_ENTRY = "market_entry", _("Market-entry or investment advice")
    FOREIGN_LAW_QUESTION = "foreign_law_question", _("A question of foreign law")
    # Control
    ASSET_FREEZE = "asset_freeze", _("Asset or account freeze")
    CUSTOMS_SEIZURE = "customs_seizure", _("Customs seizure")
    PLATFORM_TAKEDOWN = "platform_takedown", _("Marketplace takedown or store suspension")
    COUNTERPARTY_BREACH = "counterparty_breach", _("Counterparty breach under negotiation")
    # Remedy
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION = "litigation", _("Litigation")
    LEGAL_AID = "legal_aid", _("Legal aid")
    NOTARIZATION = "notarization", _("Notarization and authentication")


NEED_STAGE = {
    Need.COMPLIANCE_CHECK: Stage.PREVENTION,
    Need.CONTRACT_REVIEW: Stage.PREVENTION,
    Need.MARKET_ENTRY: Stage.PREVENTION,
    Need.FOREIGN_LAW_QUESTION: Stage.PREVENTION,
    Need.ASSET_FREEZE: Stage.CONTROL,
    Need.CUSTOMS_SEIZURE: Stage.CONTROL,
    Need.PLATFORM_TAKEDOWN: Stage.CONTROL,
    Need.COUNTERPARTY_BREACH: Stage.CONTROL,
    Need.MEDIATION: Stage.REMEDY,
    Need.ARBITRATION: Stage.REMEDY,
    Need.LITIGATION: Stage.REMEDY,
    Need.LEGAL_AID: Stage.REMEDY,
    Need.NOTARIZATION: Stage.REMEDY,
}

# Which practice areas (data/taxonomies/practice_area.json) and kinds of expert a need calls for; the matching
# engine scores practice-area fit against these, and the expert kinds it prefers.
NEED_PRACTICE_AREAS = {
    Need.COMPLIANCE_CHECK: ["export-control-sanctions", "data-compliance", "anti-corruption", "antitrust"],
    Need.CONTRACT_REVIEW: ["international-contracts", "international-trade"],
    Need.MARKET_ENTRY: ["cross-border-investment", "foreign-investment", "overseas-listing", "customs-tax"],
    Need.FOREIGN_LAW_QUESTION: ["foreign-law-ascertainment"],
    Need.ASSET_FREEZE: ["ip-litigation-us", "international-litigation", "cross-border-ecommerce"],
    Need.CUSTOMS_SEIZURE: ["customs-tax", "intellectual-property", "international-trade"],
    Need.PLATFORM_TAKEDOWN: ["cross-border-ecommerce", "intellectual-property", "trademarks", "ip-litigation-us"],
    Need.COUNTERPARTY_BREACH: ["international-contracts", "commercial-mediation", "international-arbitration"],
    Need.MEDIATION: ["commercial-mediation"],
    Need.ARBITRATION: ["international-arbitration"],
    Need.LITIGATION: ["international-litigation"],
    Need.LEGAL_AID: ["legal-aid"],
    Need.NOTARIZATION: ["notarization-legalization"],
}
NEED_EXPERT_KINDS = {
    Need.FOREIGN_LAW_QUESTION: ["foreign_law_expert", "lawyer"],
    Need.MEDIATION: ["mediator"],
    Need.ARBITRATION: ["lawyer", "arbitrator"],
    Need.NOTARIZATION: ["notary"],
}
DEFAULT_EXPERT_KINDS = ["lawyer"]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent (days)")
    CRITICAL = "critical", _("Critical (hours: a freeze, a seizure, a deadline)")


class Status(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("request status", "Submitted, awaiting triage")
    INFO_REQUESTED = "info_requested", _("More information asked for")
    ACCEPTED = "accepted", pgettext_lazy("request status", "Accepted, finding a provider")
    OFFERED = "offered", _("Offered to providers")
    ASSIGNED = "assigned", _("Assigned to a provider")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    MERGED = "merged", _("Merged into another request")
    REFERRED_OUT = "referred_out", _("Referred elsewhere")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


OPEN_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.ACCEPTED, Status.OFFERED, Status.ASSIGNED)
# Where staff may triage (accept, ask, merge, escalate, refer out).
TRIAGE_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED)


class OfferStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("offer", "Accepted")
    DECLINED = "declined", pgettext_lazy("offer", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("offer", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("offer", "Expired")
