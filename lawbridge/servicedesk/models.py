"""Service requests across the full chain (prevention, control, remedy), their attachments, the offers made to
providers, and the record of each matching run (with the experts it excluded and why)."""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Need, OfferStatus, Stage, Status, Urgency


class RequestCounter(models.Model):
    """The last number given per prefix and year, so numbers run HZ-2026-000001, HZ-2026-000002 …"""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="servicedesk_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class ServiceRequest(models.Model):
    """What an enterprise or a person (foreigners included) needs, from intake to a closed outcome."""

    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="service_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened or is needed"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    need = models.CharField(_("need"), max_length=24, choices=Need.choices)
    countries = models.JSONField(_("countries involved"), default=list)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    amount = models.DecimalField(_("amount at stake"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    counterparties = models.JSONField(_("counterparties"), default=list, blank=True)
    district_code = models.CharField(_("district"), max_length=12, blank=True)
    service_point = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="handled_requests",
    )
    escalated = models.BooleanField(_("escalated to the center"), default=False)
    self_service = models.BooleanField(
        _("the requester chooses the provider"),
        default=False,
        help_text=_("Once staff accept the request, the requester sees the matched providers and sends the offers."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    status_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    assigned_expert = models.ForeignKey(
        "network.Expert",
        verbose_name=_("assigned expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_requests",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the service"), blank=True)
    # What another part of the platform opened this request from (a risk alert, a mediation …).
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("opened from"), max_length=200, blank=True)
    # Service-level clocks (working hours, Chinese public holidays and make-up working days; see sla.py).
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_flags = models.JSONField(default=list, blank=True, editable=False)  # warnings and breaches already raised
    sla_escalations = models.PositiveSmallIntegerField(_("escalations by the clock"), default=0)
    # Optimistic locking: every change increments it; a change made on a stale copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["service_point", "status"], name="servicedesk_queue"),
            models.Index(fields=["requester", "status"], name="servicedesk_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


def attachment_path(instance, filename: str) -> str:
    return f"servicedesk/{instance.request.number}/{instance.sha256[:16]}-{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class MatchRun(models.Model):
    """One ranking of the talent pool for a request: who was excluded and why, and the top of the list."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="match_runs")
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    candidates = models.PositiveIntegerField(default=0)
    exclusions = models.JSONField(default=list)  # [{"expert": id, "name": …, "reason": "conflict", "detail": …}]
    ranking = models.JSONField(default=list)  # the top of the list with each part's contribution

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request.number} @ {self.created_at:%Y-%m-%d %H:%M}"


class Offer(models.Model):
    """A matter offered to one provider; the first acceptance assigns it and withdraws the others."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="offers"
    )
    expert = models.ForeignKey(
        "network.Expert", verbose_name=_("expert"), on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.SENT)
    score = models.DecimalField(_("match score"), max_digits=6, decimal_places=3, null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "expert"],
                condition=models.Q(status="sent"),
                name="servicedesk_offer_one_open_per_expert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request.number} → {self.expert}"


class Message(models.Model):
    """The conversation on a request between the requester and the assigned provider (staff may read and write)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("attachment")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request.number}: {self.body[:40]}"


class Conference(models.Model):
    """A case conference (会商研判): staff convene experts and government liaisons on a request."""

    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        DECIDED = "decided", _("Decided")
        CANCELLED = "cancelled", pgettext_lazy("conference", "Cancelled")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="conferences")
    title = models.CharField(_("subject"), max_length=200)
    agenda = models.TextField(_("questions to settle"), blank=True)
    scheduled_at = models.DateTimeField(_("meets at"), null=True, blank=True)
    place = models.CharField(_("place or video link"), max_length=300, blank=True)
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("convened"), auto_now_add=True)

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request.number}: {self.title}"


class ConferenceParticipant(models.Model):
    class Answer(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
        DECLINED = "declined", pgettext_lazy("invitation", "Declined")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conference_seats")
    capacity = models.CharField(_("takes part as"), max_length=120, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conference", "invited_at", "id"]
        constraints = [models.UniqueConstraint(fields=["conference", "user"], name="servicedesk_participant_unique")]

    def __str__(self) -> str:
        return f"{self.conference} · {self.user}"


class ConferencePost(models.Model):
    """The conference's shared thread: remarks and documents."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("remark"), blank=True)
    file = models.FileField(_("document"), upload_to="servicedesk/conferences/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.conference}: {self.body[:40] or self.file_name}"


class OpinionVersion(models.Model):
    """One version of the conference's joint opinion; every save is a new version, none is overwritten."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="opinions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("joint opinion"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conference", "-number"]
        constraints = [models.UniqueConstraint(fields=["conference", "number"], name="servicedesk_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.conference} v{self.number}"


class CoordinationTask(models.Model):
    """Follow-up work (资源协调 / 解难纾困) given to a government unit or an institution, with a due date."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("task", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("task", "Done")
        CANCELLED = "cancelled", pgettext_lazy("task", "Cancelled")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="coordination_tasks",
    )
    title = models.CharField(_("task"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    public_note = models.TextField(
        _("progress in plain words"), blank=True, help_text=_("What the requester sees about this task.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coordination task")
        verbose_name_plural = _("coordination tasks")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.request.number}: {self.title}"


class TaskUpdate(models.Model):
    task = models.ForeignKey(CoordinationTask, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=CoordinationTask.State.choices)
    note = models.TextField(_("update"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task}: {self.note[:40]}"
