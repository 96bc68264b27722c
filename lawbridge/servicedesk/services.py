"""Writes of the service desk: filing a request, triage in the 1+N network, offers to providers, closing.

Each transition is one function that refuses an illegal move with a clear error. Changes made on a stale copy
(two officers triaging the same request at once) are refused through the request's ``version`` column.
Other parts of the platform open requests with ``request_create_from``.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lawbridge.accounts import selectors as account_selectors
from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.core.audit import audit_event
from lawbridge.core.city import city, district_choices
from lawbridge.core.services import notification_send, require_perm
from lawbridge.network import services as network_services

from . import sla
from .choices import NEED_STAGE, TRIAGE_STATUSES, Need, OfferStatus, Status, Urgency
from .models import Attachment, Offer, RequestCounter, ServiceRequest

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
# Extension → (content type, how the file must start). Checked by content, not by the name alone.
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
OFFER_HOURS = {Urgency.CRITICAL: 4, Urgency.URGENT: 24, Urgency.NORMAL: 72}
MAX_OFFERS_AT_ONCE = 3


class StaleRequest(Exception):
    """Someone else changed the request since it was read."""

    def __init__(self):
        super().__init__(_("Someone else changed this request a moment ago. Reload it and try again."))


class IllegalTransition(ValidationError):
    pass


_require = require_perm  # one rule check for every service: actor None is the platform itself


def _refuse(message) -> None:
    raise IllegalTransition(message)


# -- filing ------------------------------------------------------------------------------------------------


def next_number(*, year: int | None = None) -> str:
    """HZ-2026-000123: the city's prefix, the year, and a counter per year (row-locked, so never given twice)."""
    prefix = city().get("request_prefix", "LB")
    year = year or timezone.localdate().year
    with transaction.atomic():
        counter, _created = RequestCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
        RequestCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db()
    return f"{prefix}-{year}-{counter.last:06d}"


def check_attachment(name: str, data: bytes) -> tuple[str, str]:
    """Returns (clean name, content type) or raises ValidationError saying what is wrong."""
    import os

    clean = os.path.basename(name or "").strip()[:200] or "file"
    extension = os.path.splitext(clean)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("%(name)s: only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG files are accepted.") % {"name": clean}
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("%(name)s is larger than 10 MB.") % {"name": clean})
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": clean})
    content_type, signatures = ATTACHMENT_TYPES[extension]
    if not any(data.startswith(sig) for sig in signatures):
        raise ValidationError(_("%(name)s is not really a %(ext)s file.") % {"name": clean, "ext": extension})
    return clean, content_type


def _clean_request_fields(fields: dict) -> dict:
    errors = {}
    need = fields.get("need")
    if need not in Need.values:
        errors["need"] = _("Choose what you need.")
    try:
        fields["countries"] = network_services.clean_countries(fields.get("countries") or [], "countries")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        fields["languages"] = network_services.clean_languages(fields.get("languages") or [], "languages")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if fields.get("industry"):
        try:
            network_services.clean_terms("industry", [fields["industry"]], "industry")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    deadline = fields.get("deadline")
    if deadline is not None:
        if not isinstance(deadline, date):
            errors["deadline"] = _("Give the deadline as a date.")
        elif deadline < timezone.localdate():
            errors["deadline"] = _("The deadline has already passed.")
        elif deadline > timezone.localdate() + timedelta(days=3 * 365):
            errors["deadline"] = _("The deadline is more than three years away.")
    amount = fields.get("amount")
    if amount not in (None, ""):
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            errors["amount"] = _("Give the amount as a number.")
        else:
            if amount < 0:
                errors["amount"] = _("The amount cannot be negative.")
            fields["amount"] = amount
    else:
        fields["amount"] = None
    if fields.get("urgency", Urgency.NORMAL) not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    district = fields.get("district_code") or ""
    if district and district not in dict(district_choices()):
        errors["district_code"] = _("Unknown district.")
    fields["counterparties"] = [c.strip()[:200] for c in fields.get("counterparties") or [] if c and c.strip()][:20]
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def request_create(
    *,
    requester,
    title: str,
    description: str,
    need: str,
    countries: list[str],
    languages: list[str] = (),
    industry: str = "",
    urgency: str = Urgency.NORMAL,
    amount=None,
    currency: str = "CNY",
    deadline: date | None = None,
    counterparties: list[str] = (),
    district_code: str = "",
    service_point=None,
    organisation=None,
    attachments: list[tuple[str, bytes]] = (),
    source=None,
    source_label: str = "",
    self_service: bool = False,
) -> ServiceRequest:
    """File a request. It lands at the requester's district sub-center (or the point they pick, or the center)."""
    _require(requester, "servicedesk.create_request")
    fields = _clean_request_fields(
        {
            "need": need, "countries": list(countries), "languages": list(languages) or [requester.language[:2]],
            "industry": industry, "urgency": urgency, "amount": amount, "deadline": deadline,
            "counterparties": list(counterparties), "district_code": district_code,
        }
    )  # fmt: skip
    if (
        organisation is not None
        and not requester.memberships.filter(organisation=organisation, is_active=True).exists()
    ):
        raise PermissionDenied(_("You can only file requests for an organisation you belong to."))
    if service_point is not None and service_point.kind != OrganisationKind.SERVICE_POINT:
        raise ValidationError({"service_point": _("Pick a service point.")})
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most 10 attachments.")})
    checked = []
    problems = []
    for name, data in attachments:
        try:
            checked.append((*check_attachment(name, data), data))
        except ValidationError as exc:
            problems += exc.messages
    if problems:
        raise ValidationError({"attachments": problems})
    point = service_point or account_selectors.service_point_for_district(fields["district_code"])
    request = ServiceRequest(
        number=next_number(),
        requester=requester,
        organisation=organisation,
        title=title.strip(),
        description=description.strip(),
        stage=NEED_STAGE[Need(fields["need"])],
        currency=(currency or "CNY").upper(),
        service_point=point,
        source_label=source_label[:200],
        self_service=bool(self_service),
        **fields,
    )
    if source is not None:
        from django.contrib.contenttypes.models import ContentType

        request.source_type = ContentType.objects.get_for_model(source)
        request.source_id = str(source.pk)
    request.full_clean(exclude=["source_type"])
    request.save()
    for name, content_type, data in checked:
        _attach(request, requester, name, content_type, data)
    audit_event(obj=request, event="servicedesk.request.created", actor=requester, payload={"number": request.number})
    sla.start_clocks(request)
    filed_at = request.service_point_id
    transaction.on_commit(lambda: _notify_point(request, filed_at))
    return request


def request_create_from(*, source, requester, source_label: str = "", **fields) -> ServiceRequest:
    """For other parts of the platform: open a request with ``source`` (a model instance, e.g. a risk alert)
    attached; both sides can then link to each other (``requests_from(source)``)."""
    return request_create(requester=requester, source=source, source_label=source_label or str(source), **fields)


def _attach(request, user, name, content_type, data) -> Attachment:
    attachment = Attachment(
        request=request, name=name, content_type=content_type, size=len(data), sha256=Attachment.digest(data),
        uploaded_by=user,
    )  # fmt: skip
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def attachment_add(*, actor, request: ServiceRequest, name: str, data: bytes) -> Attachment:
    _require(actor, "servicedesk.view_request", request)
    if request.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most 10 attachments.")})
    clean, content_type = check_attachment(name, data)
    attachment = _attach(request, actor, clean, content_type, data)
    audit_event(obj=request, event="servicedesk.attachment.added", actor=actor, payload={"name": clean})
    return attachment


# -- notifications -----------------------------------------------------------------------------------------


def _point_staff(request: ServiceRequest, point_id: int | None = None):
    from lawbridge.accounts.models import User

    return User.objects.filter(
        memberships__organisation_id=point_id or request.service_point_id, memberships__is_active=True, is_active=True
    ).distinct()


def _notify(users, title_fn, url: str, body_fn=lambda: "") -> None:
    for user in users:
        with translation.override(user.language):
            notification_send(
                user=user, kind="servicedesk.request", title=str(title_fn()), body=str(body_fn()), url=url
            )


def _notify_point(request: ServiceRequest, point_id: int | None = None) -> None:
    """Tell the staff of the point holding the request (or of ``point_id``: the point it was filed at, when the
    message is sent after the transaction and the request may have moved on since)."""
    url = reverse("servicedesk:request", args=[request.number])
    _notify(
        _point_staff(request, point_id),
        lambda: _("New request %(number)s: %(title)s") % {"number": request.number, "title": request.title},
        url,
    )


def _notify_requester(request: ServiceRequest, title_fn, body_fn=lambda: "") -> None:
    _notify([request.requester], title_fn, reverse("servicedesk:request", args=[request.number]), body_fn)


# -- triage ------------------------------------------------------------------------------------------------


def _transition(request: ServiceRequest, *, expected_version: int | None, **changes) -> ServiceRequest:
    """Write ``changes`` only if nobody changed the request since ``expected_version`` was read."""
    version = request.version if expected_version is None else expected_version
    changes["updated_at"] = timezone.now()
    updated = ServiceRequest.objects.filter(pk=request.pk, version=version).update(version=F("version") + 1, **changes)
    if not updated:
        raise StaleRequest
    request.refresh_from_db()
    return request


def _check_triage(actor, request, allowed=TRIAGE_STATUSES) -> None:
    _require(actor, "servicedesk.triage_request", request)
    if request.status not in allowed:
        _refuse(_("This request is %(status)s; it cannot be triaged now.") % {"status": request.get_status_display()})
    sla.responded(request, actor=actor)  # any triage step is the first response


@transaction.atomic
def request_accept(*, actor, request: ServiceRequest, expected_version: int | None = None) -> ServiceRequest:
    _check_triage(actor, request)
    before = request.status
    request = _transition(
        request, expected_version=expected_version, status=Status.ACCEPTED, accepted_at=timezone.now()
    )
    audit_event(
        obj=request, event="servicedesk.request.accepted", actor=actor, changes={"status": [before, request.status]}
    )
    _notify_requester(
        request, lambda: _("%(number)s is accepted; we are finding the right provider") % {"number": request.number}
    )
    return request


@transaction.atomic
def request_ask_information(*, actor, request: ServiceRequest, question: str, expected_version: int | None = None):
    _check_triage(actor, request, allowed=(Status.SUBMITTED, Status.ACCEPTED))
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Say what information is missing.")})
    before = request.status
    request = _transition(
        request, expected_version=expected_version, status=Status.INFO_REQUESTED, status_reason=question
    )
    audit_event(
        obj=request, event="servicedesk.request.info_requested", actor=actor, payload={"reason": question},
        changes={"status": [before, request.status]},
    )  # fmt: skip
    _notify_requester(
        request, lambda: _("%(number)s: more information is needed") % {"number": request.number}, lambda: question
    )
    return request


@transaction.atomic
def request_answer_information(*, actor, request: ServiceRequest, answer: str, attachments=()) -> ServiceRequest:
    _require(actor, "servicedesk.answer_information_request", request)
    if request.status != Status.INFO_REQUESTED:
        _refuse(_("No information was asked for."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write your answer.")})
    for name, data in attachments:
        attachment_add(actor=actor, request=request, name=name, data=data)
    description = f"{request.description}\n\n— {timezone.localtime():%Y-%m-%d %H:%M} —\n{answer}"
    request = _transition(
        request, expected_version=None, status=Status.SUBMITTED, description=description, status_reason=""
    )
    audit_event(
        obj=request,
        event="servicedesk.request.info_given",
        actor=actor,
        changes={"status": [Status.INFO_REQUESTED, Status.SUBMITTED]},
    )
    _notify_point(request)
    return request


@transaction.atomic
def request_merge(*, actor, request: ServiceRequest, into: ServiceRequest, expected_version: int | None = None):
    """A duplicate: close it, pointing at the request that carries on."""
    _check_triage(actor, request, allowed=(Status.SUBMITTED, Status.INFO_REQUESTED, Status.ACCEPTED))
    if into.pk == request.pk or not into.is_open or into.merged_into_id:
        raise ValidationError({"into": _("Merge into another request that is still open.")})
    same_requester = into.requester_id == request.requester_id
    same_enterprise = request.organisation_id is not None and into.organisation_id == request.organisation_id
    if not (same_requester or same_enterprise):
        raise ValidationError({"into": _("Only requests of the same requester or enterprise can be merged.")})
    before = request.status
    request = _transition(
        request, expected_version=expected_version, status=Status.MERGED, merged_into=into, closed_at=timezone.now()
    )
    audit_event(
        obj=request,
        event="servicedesk.request.merged",
        actor=actor,
        payload={"number": into.number},
        changes={"status": [before, request.status]},
    )
    _notify_requester(
        request, lambda: _("%(number)s is merged into %(other)s") % {"number": request.number, "other": into.number}
    )
    return request


@transaction.atomic
def request_escalate(*, actor, request: ServiceRequest, reason: str, expected_version: int | None = None):
    """To the center: the matter crosses districts or is too complex for the point that holds it."""
    _check_triage(actor, request, allowed=(Status.SUBMITTED, Status.INFO_REQUESTED, Status.ACCEPTED))
    if request.service_point.service_point_level == ServicePointLevel.CENTER:
        _refuse(_("The request is already at the center."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the center should take it.")})
    center = account_selectors.service_center()
    before = request.service_point.slug
    request = _transition(
        request, expected_version=expected_version, service_point=center, escalated=True, status=Status.SUBMITTED,
        status_reason=reason,
    )  # fmt: skip
    audit_event(
        obj=request, event="servicedesk.request.escalated", actor=actor, payload={"reason": reason},
        changes={"service_point": [before, center.slug]},
    )  # fmt: skip
    _notify_point(request)
    return request


@transaction.atomic
def request_refer_out(*, actor, request: ServiceRequest, reason: str, expected_version: int | None = None):
    """Not for this platform (e.g. a purely domestic matter): closed, with where to go instead."""
    _check_triage(actor, request, allowed=(Status.SUBMITTED, Status.INFO_REQUESTED, Status.ACCEPTED))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say where the requester should turn instead.")})
    before = request.status
    request = _transition(
        request,
        expected_version=expected_version,
        status=Status.REFERRED_OUT,
        status_reason=reason,
        closed_at=timezone.now(),
    )
    audit_event(
        obj=request,
        event="servicedesk.request.referred_out",
        actor=actor,
        payload={"reason": reason},
        changes={"status": [before, request.status]},
    )
    _notify_requester(
        request, lambda: _("%(number)s is referred elsewhere") % {"number": request.number}, lambda: reason
    )
    return request


@transaction.atomic
def request_withdraw(*, actor, request: ServiceRequest, reason: str = "") -> ServiceRequest:
    _require(actor, "servicedesk.withdraw_request", request)
    if not request.is_open or request.status == Status.ASSIGNED:
        _refuse(_("Only a request not yet assigned can be withdrawn."))
    before = request.status
    request.offers.filter(status=OfferStatus.SENT).update(status=OfferStatus.WITHDRAWN, answered_at=timezone.now())
    request = _transition(
        request, expected_version=None, status=Status.WITHDRAWN, status_reason=reason.strip(), closed_at=timezone.now()
    )
    audit_event(
        obj=request, event="servicedesk.request.withdrawn", actor=actor, changes={"status": [before, request.status]}
    )
    return request


# -- offers ------------------------------------------------------------------------------------------------


def matches_for(*, actor, request: ServiceRequest, limit: int = 20):
    """Rank the talent pool for ``request`` and keep the run: who came top with which parts, and who was excluded
    and why (conflicts of interest above all), so the record shows what staff saw when they chose."""
    from . import matching
    from .models import MatchRun

    _require(actor, "servicedesk.match_request", request)
    ranking = matching.rank(matching.spec_for(request), limit=limit)
    MatchRun.objects.create(
        request=request,
        run_by=actor if getattr(actor, "is_authenticated", False) else None,
        candidates=ranking.candidates,
        exclusions=[{"expert": e.expert_id, "reason": e.reason, "detail": str(e.detail)} for e in ranking.exclusions],
        ranking=[
            {"expert": m.expert_id, "score": round(m.score, 4), "parts": {p.name: round(p.points, 4) for p in m.parts}}
            for m in ranking.items
        ],
    )
    return ranking


@transaction.atomic
def offers_send(*, actor, request: ServiceRequest, experts: list, scores: dict | None = None) -> list[Offer]:
    """Offer the matter to one to three providers at once; each has until the deadline of the request's urgency."""
    from lawbridge.network.selectors import matchable_experts

    _require(actor, "servicedesk.match_request", request)
    if request.status not in (Status.ACCEPTED, Status.OFFERED):
        _refuse(_("Accept the request before offering it."))
    experts = list(dict.fromkeys(experts))
    open_offers = request.offers.filter(status=OfferStatus.SENT).count()
    if not experts or open_offers + len(experts) > MAX_OFFERS_AT_ONCE:
        raise ValidationError({"experts": _("Offer to one to three providers at a time.")})
    usable = set(matchable_experts().filter(pk__in=[e.pk for e in experts]).values_list("pk", flat=True))
    unusable = [e for e in experts if e.pk not in usable]
    if unusable:
        raise ValidationError(
            {"experts": _("Not available for matters now: %(names)s") % {"names": ", ".join(str(e) for e in unusable)}}
        )
    if request.offers.filter(status=OfferStatus.SENT, expert__in=experts).exists():
        raise ValidationError({"experts": _("An offer to this provider is already waiting for an answer.")})
    expires = timezone.now() + timedelta(hours=OFFER_HOURS[Urgency(request.urgency)])
    offers = [
        Offer.objects.create(
            request=request,
            expert=expert,
            sent_by=actor,
            expires_at=expires,
            score=Decimal(str(round((scores or {}).get(expert.pk, 0), 3))) if scores else None,
        )  # fmt: skip
        for expert in experts
    ]
    if request.status != Status.OFFERED:
        _transition(request, expected_version=None, status=Status.OFFERED)
    audit_event(
        obj=request,
        event="servicedesk.offers.sent",
        actor=actor,
        payload={"experts": ", ".join(str(e) for e in experts)},
    )
    for offer in offers:
        if offer.expert.user_id:
            _notify(
                [offer.expert.user],
                lambda: _("A matter is offered to you: %(number)s") % {"number": request.number},
                reverse("servicedesk:request", args=[request.number]),
            )
    return offers


@transaction.atomic
def offer_accept(*, actor, offer: Offer) -> ServiceRequest:
    """The first acceptance assigns the matter and withdraws the other offers."""
    _require(actor, "servicedesk.respond_offer", offer)
    offer = Offer.objects.select_for_update().select_related("request", "expert").get(pk=offer.pk)
    request = ServiceRequest.objects.select_for_update().get(pk=offer.request_id)
    if offer.status != OfferStatus.SENT:
        _refuse(_("This offer is %(status)s and can no longer be accepted.") % {"status": offer.get_status_display()})
    if offer.expires_at <= timezone.now():
        _refuse(_("This offer has expired."))
    if request.status != Status.OFFERED:
        _refuse(_("The request is no longer open for offers."))
    now = timezone.now()
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.ACCEPTED, answered_at=now)
    others = list(request.offers.filter(status=OfferStatus.SENT).exclude(pk=offer.pk).select_related("expert__user"))
    request.offers.filter(pk__in=[o.pk for o in others]).update(status=OfferStatus.WITHDRAWN, answered_at=now)
    request = _transition(
        request, expected_version=None, status=Status.ASSIGNED, assigned_expert=offer.expert, assigned_at=now
    )
    network_services.expert_outcomes_record(expert=offer.expert, open_matters=offer.expert.open_matters + 1)
    audit_event(
        obj=request,
        event="servicedesk.offer.accepted",
        actor=actor,
        payload={"expert": str(offer.expert)},
        changes={"status": [Status.OFFERED, Status.ASSIGNED]},
    )
    _notify_requester(
        request,
        lambda: (
            _("%(number)s is assigned to %(name)s") % {"number": request.number, "name": offer.expert.display_name()}
        ),
    )
    for other in others:
        if other.expert.user_id:
            _notify(
                [other.expert.user],
                lambda: _("The offer of %(number)s was taken by another provider") % {"number": request.number},
                reverse("servicedesk:request", args=[request.number]),
            )
    return request


@transaction.atomic
def offer_decline(*, actor, offer: Offer, reason: str) -> Offer:
    _require(actor, "servicedesk.respond_offer", offer)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.SENT:
        _refuse(_("This offer is %(status)s and can no longer be answered.") % {"status": offer.get_status_display()})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline, so staff can find someone else.")})
    offer.status, offer.reason, offer.answered_at = OfferStatus.DECLINED, reason, timezone.now()
    offer.save(update_fields=["status", "reason", "answered_at"])
    request = offer.request
    audit_event(
        obj=request,
        event="servicedesk.offer.declined",
        actor=actor,
        payload={"expert": str(offer.expert), "reason": reason},
    )
    _back_to_accepted_if_no_offer_left(request)
    return offer


def _back_to_accepted_if_no_offer_left(request: ServiceRequest) -> None:
    if request.status == Status.OFFERED and not request.offers.filter(status=OfferStatus.SENT).exists():
        _transition(request, expected_version=None, status=Status.ACCEPTED)
        _notify_point(request)


def offers_expire(*, now=None) -> dict[str, int]:
    """Periodic: offers not answered in time expire; their requests are matched again and offered to the next
    best providers not yet asked (``rematched``), or go back to staff when nobody is left."""
    from . import matching

    now = now or timezone.now()
    expired = rematched = 0
    for offer in Offer.objects.filter(status=OfferStatus.SENT, expires_at__lte=now).select_related("request"):
        with transaction.atomic():
            updated = Offer.objects.filter(pk=offer.pk, status=OfferStatus.SENT).update(
                status=OfferStatus.EXPIRED, answered_at=now
            )
            if not updated:
                continue
            expired += 1
            request = ServiceRequest.objects.get(pk=offer.request_id)
            audit_event(obj=request, event="servicedesk.offer.expired", payload={"expert": str(offer.expert)})
            if request.status != Status.OFFERED or request.offers.filter(status=OfferStatus.SENT).exists():
                continue
            asked = set(request.offers.values_list("expert_id", flat=True))
            ranking = matching.rank(matching.spec_for(request), limit=10)
            nxt = next((m for m in ranking.items if m.expert_id not in asked), None)
            if nxt is None:
                _back_to_accepted_if_no_offer_left(request)
                continue
            from lawbridge.network.models import Expert

            offers_send(
                actor=None,
                request=request,
                experts=[Expert.objects.get(pk=nxt.expert_id)],
                scores={nxt.expert_id: nxt.score},
            )
            rematched += 1
    return {"expired": expired, "rematched": rematched}


@transaction.atomic
def request_close(*, actor, request: ServiceRequest, outcome: str) -> ServiceRequest:
    """The assigned provider (or staff) closes the matter with a summary of the outcome."""
    if actor is not None and not (
        (request.assigned_expert_id and request.assigned_expert.user_id == actor.pk)
        or actor.has_perm("servicedesk.triage_request", request)
    ):
        raise PermissionDenied(_("You may not do this."))
    if request.status != Status.ASSIGNED:
        _refuse(_("Only an assigned matter can be closed."))
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("Summarise the outcome for the requester.")})
    request = _transition(
        request, expected_version=None, status=Status.CLOSED, outcome=outcome, closed_at=timezone.now()
    )
    expert = request.assigned_expert
    network_services.expert_outcomes_record(
        expert=expert, open_matters=max(0, expert.open_matters - 1), matters_handled=expert.matters_handled + 1
    )
    audit_event(
        obj=request,
        event="servicedesk.request.closed",
        actor=actor,
        changes={"status": [Status.ASSIGNED, Status.CLOSED]},
    )
    _notify_requester(
        request,
        lambda: _("%(number)s is closed: please rate the service") % {"number": request.number},
        lambda: outcome,
    )
    return request


@transaction.atomic
def request_rate(*, actor, request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    """The requester rates a closed matter (1–5); the expert's average feeds matching."""
    from django.db.models import Avg, Count

    if request.requester_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the requester rates the service."))
    if request.status != Status.CLOSED:
        _refuse(_("Rate a matter once it is closed."))
    if request.rating is not None:
        _refuse(_("This matter is already rated."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    request = _transition(request, expected_version=None, rating=rating, rating_comment=comment.strip())
    figures = ServiceRequest.objects.filter(assigned_expert=request.assigned_expert, rating__isnull=False).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    network_services.expert_outcomes_record(
        expert=request.assigned_expert,
        rating_average=Decimal(str(round(figures["average"], 2))),
        rating_count=figures["count"],
    )
    audit_event(obj=request, event="servicedesk.request.rated", actor=actor, payload={"rating": rating})
    return request
