"""API of the service desk: requests, triage, the explained match list and offers, with the same rules as the pages.

A request the user may not see is a 404; one they see but may not act on, a 403. Triage bodies carry the
``version`` the client read: a stale one is a 409 ``conflict``. A move the request's state does not allow is a 422
``illegal_transition``; bad fields a 422 ``invalid_input`` with per-field messages.
"""

import base64
import binascii
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lawbridge.accounts.choices import OrganisationKind
from lawbridge.accounts.models import Organisation
from lawbridge.core.http import ApiError
from lawbridge.core.pagination import Pagination
from lawbridge.network.models import Expert

from . import matching, selectors, services
from .choices import Need, OfferStatus, Status, Urgency
from .models import Offer, ServiceRequest

router = Router(tags=["servicedesk"])


@contextmanager
def _service_errors():
    """Services' refusals as API errors with their own codes."""
    try:
        yield
    except services.StaleRequest as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    except services.IllegalTransition as exc:
        raise ApiError(422, "illegal_transition", " ".join(exc.messages)) from exc


def _request_or_404(request, number: str) -> ServiceRequest:
    found = get_object_or_404(
        ServiceRequest.objects.select_related("service_point", "merged_into", "assigned_expert"), number=number
    )
    if not request.user.has_perm("servicedesk.view_request", found):
        raise ApiError(404, "not_found", _("No such object, or you may not see it."))
    return found


# -- schemas -----------------------------------------------------------------------------------------------


class PointOut(Schema):
    slug: str
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class RequestOut(Schema):
    number: str
    url: str
    title: str
    description: str
    stage: str
    need: str
    need_label: str
    status: str
    status_label: str
    status_reason: str
    urgency: str
    countries: list[str]
    languages: list[str]
    industry: str
    amount: Decimal | None
    currency: str
    deadline: date | None
    counterparties: list[str]
    district_code: str
    service_point: PointOut
    organisation: str | None
    escalated: bool
    merged_into: str | None
    assigned_expert: UUID | None
    outcome: str
    rating: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_url(sr) -> str:
        return reverse("servicedesk:request", args=[sr.number])

    @staticmethod
    def resolve_need_label(sr) -> str:
        return str(sr.get_need_display())

    @staticmethod
    def resolve_status_label(sr) -> str:
        return str(sr.get_status_display())

    @staticmethod
    def resolve_counterparties(sr) -> list[str]:
        return [str(c) for c in sr.counterparties or []]

    @staticmethod
    def resolve_service_point(sr) -> dict:
        return {"slug": sr.service_point.slug, "name": sr.service_point.display_name()}

    @staticmethod
    def resolve_organisation(sr) -> str | None:
        return sr.organisation.slug if sr.organisation_id else None

    @staticmethod
    def resolve_merged_into(sr) -> str | None:
        return sr.merged_into.number if sr.merged_into_id else None

    @staticmethod
    def resolve_assigned_expert(sr) -> UUID | None:
        return sr.assigned_expert.public_id if sr.assigned_expert_id else None

    @staticmethod
    def resolve_attachments(sr) -> list[dict]:
        return [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "url": reverse("servicedesk:attachment", args=[sr.number, a.pk]),
            }
            for a in sr.attachments.all()
        ]

    @classmethod
    def from_request(cls, sr: ServiceRequest) -> "RequestOut":
        return cls.from_orm(sr)


class AttachmentIn(Schema):
    name: str = Field(max_length=200)
    content_base64: str


class RequestIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20000)
    need: Need
    countries: list[str] = Field(min_length=1)
    languages: list[str] = []
    industry: str = ""
    urgency: Urgency = Urgency.NORMAL
    amount: Decimal | None = None
    currency: str = Field("CNY", min_length=3, max_length=3)
    deadline: date | None = None
    counterparties: list[str] = []
    district_code: str = ""
    service_point: str | None = Field(None, description="Slug of a service point; default: by district")
    organisation: str | None = Field(None, description="Slug of an enterprise you belong to")
    attachments: list[AttachmentIn] = []


class VersionIn(Schema):
    version: int = Field(ge=1)


class AskIn(VersionIn):
    question: str = Field(max_length=4000)


class ReasonIn(VersionIn):
    reason: str = Field(max_length=4000)


class MergeIn(VersionIn):
    into: str = Field(max_length=24, description="Number of the request that carries on")


class PartOut(Schema):
    name: str
    label: str
    weight: float
    value: float
    points: float
    detail: str


class MatchOut(Schema):
    rank: int
    expert: UUID
    name: str
    institution: str
    score: float
    parts: list[PartOut]


class ExclusionOut(Schema):
    expert: UUID
    name: str
    reason: str
    detail: str


class MatchesOut(Schema):
    number: str
    candidates: int
    seconds: float
    weights: list[PartOut]
    items: list[MatchOut]
    exclusions: list[ExclusionOut]


class OffersIn(Schema):
    experts: list[UUID] = Field(min_length=1, max_length=3)


class OfferOut(Schema):
    id: int
    request: str
    expert: UUID
    expert_name: str
    status: str
    score: Decimal | None
    sent_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    reason: str

    @staticmethod
    def from_offer(offer: Offer) -> "OfferOut":
        return OfferOut(
            id=offer.pk,
            request=offer.request.number,
            expert=offer.expert.public_id,
            expert_name=offer.expert.display_name(),
            status=offer.status,
            score=offer.score,
            sent_at=offer.sent_at,
            expires_at=offer.expires_at,
            answered_at=offer.answered_at,
            reason=offer.reason,
        )


class DeclineIn(Schema):
    reason: str = Field(max_length=4000)


# -- requests ----------------------------------------------------------------------------------------------


@router.get("/servicedesk/requests", response=list[RequestOut], summary="Requests you may see")
@paginate(Pagination)
def request_list(request, status: Status | None = None, urgency: Urgency | None = None):
    requests = (
        selectors.visible_requests(request.user)
        .select_related("organisation", "merged_into")
        .prefetch_related("attachments")
    )
    if status:
        requests = requests.filter(status=status)
    if urgency:
        requests = requests.filter(urgency=urgency)
    return requests.order_by("-created_at", "-id")


def _decode_attachments(items: list[AttachmentIn]) -> list[tuple[str, bytes]]:
    decoded = []
    for item in items:
        try:
            decoded.append((item.name, base64.b64decode(item.content_base64, validate=True)))
        except (binascii.Error, ValueError) as exc:
            message = _("%(name)s: the content is not valid base64.") % {"name": item.name}
            raise ApiError(422, "invalid_input", message, {"attachments": [message]}) from exc
    return decoded


@router.post("/servicedesk/requests", response={201: RequestOut}, summary="File a request")
def request_create(request, payload: RequestIn):
    data = payload.dict()
    point_slug, org_slug = data.pop("service_point"), data.pop("organisation")
    data["attachments"] = _decode_attachments(payload.attachments)
    point = organisation = None
    if point_slug:
        point = Organisation.objects.filter(kind=OrganisationKind.SERVICE_POINT, slug=point_slug).first()
        if point is None:
            message = _("Unknown service point.")
            raise ApiError(422, "invalid_input", message, {"service_point": [message]})
    if org_slug:
        organisation = Organisation.objects.filter(slug=org_slug).first()
        if organisation is None:
            message = _("Unknown organisation.")
            raise ApiError(422, "invalid_input", message, {"organisation": [message]})
    created = services.request_create(requester=request.user, service_point=point, organisation=organisation, **data)
    return HttpStatus(201, RequestOut.from_request(created))


@router.get("/servicedesk/requests/{number}", response=RequestOut, summary="One request")
def request_detail(request, number: str):
    return RequestOut.from_request(_request_or_404(request, number))


@router.post("/servicedesk/requests/{number}/accept", response=RequestOut, summary="Accept for matching")
def request_accept(request, number: str, payload: VersionIn):
    sr = _request_or_404(request, number)
    with _service_errors():
        sr = services.request_accept(actor=request.user, request=sr, expected_version=payload.version)
    return RequestOut.from_request(sr)


@router.post("/servicedesk/requests/{number}/ask", response=RequestOut, summary="Ask the requester for more")
def request_ask(request, number: str, payload: AskIn):
    sr = _request_or_404(request, number)
    with _service_errors():
        sr = services.request_ask_information(
            actor=request.user, request=sr, question=payload.question, expected_version=payload.version
        )
    return RequestOut.from_request(sr)


@router.post("/servicedesk/requests/{number}/escalate", response=RequestOut, summary="Escalate to the center")
def request_escalate(request, number: str, payload: ReasonIn):
    sr = _request_or_404(request, number)
    with _service_errors():
        sr = services.request_escalate(
            actor=request.user, request=sr, reason=payload.reason, expected_version=payload.version
        )
    return RequestOut.from_request(sr)


@router.post("/servicedesk/requests/{number}/refer-out", response=RequestOut, summary="Refer elsewhere")
def request_refer_out(request, number: str, payload: ReasonIn):
    sr = _request_or_404(request, number)
    with _service_errors():
        sr = services.request_refer_out(
            actor=request.user, request=sr, reason=payload.reason, expected_version=payload.version
        )
    return RequestOut.from_request(sr)


@router.post("/servicedesk/requests/{number}/merge", response=RequestOut, summary="Merge into another request")
def request_merge(request, number: str, payload: MergeIn):
    sr = _request_or_404(request, number)
    into = selectors.visible_requests(request.user).filter(number=payload.into.strip().upper()).first()
    if into is None:
        message = _("No request with this number that you may see.")
        raise ApiError(422, "invalid_input", message, {"into": [message]})
    with _service_errors():
        sr = services.request_merge(actor=request.user, request=sr, into=into, expected_version=payload.version)
    return RequestOut.from_request(sr)


# -- matching and offers -----------------------------------------------------------------------------------


@router.get("/servicedesk/requests/{number}/matches", response=MatchesOut, summary="The ranked, explained list")
def request_matches(request, number: str, limit: int = 20):
    sr = _request_or_404(request, number)
    limit = max(1, min(limit, 100))
    if not request.user.has_perm("servicedesk.match_request", sr):
        raise ApiError(403, "permission_denied", _("You may not do this."))
    ranking = services.matches_for(actor=request.user, request=sr, limit=limit)
    ids = {m.expert_id for m in ranking.items} | {e.expert_id for e in ranking.exclusions}
    experts = Expert.objects.select_related("institution__organisation").in_bulk(ids)
    return {
        "number": sr.number,
        "candidates": ranking.candidates,
        "seconds": ranking.seconds,
        "weights": [
            {"name": n, "label": str(label), "weight": w, "value": 1.0, "points": w, "detail": ""}
            for n, label, w in matching.explain_weights()
        ],
        "items": [
            {
                "rank": n,
                "expert": experts[m.expert_id].public_id,
                "name": experts[m.expert_id].display_name(),
                "institution": experts[m.expert_id].institution_name(),
                "score": m.score,
                "parts": [
                    {
                        "name": p.name,
                        "label": str(p.label),
                        "weight": p.weight,
                        "value": p.value,
                        "points": p.points,
                        "detail": str(p.detail),
                    }
                    for p in m.parts
                ],  # fmt: skip
            }
            for n, m in enumerate(ranking.items, start=1)
            if m.expert_id in experts
        ],
        "exclusions": [
            {
                "expert": experts[e.expert_id].public_id,
                "name": experts[e.expert_id].display_name(),
                "reason": e.reason,
                "detail": str(e.detail),
            }
            for e in ranking.exclusions
            # Who was left out and why (e.g. whom a firm acts for) is for staff, not a self-service requester.
            if e.expert_id in experts and request.user.has_perm("servicedesk.triage_request", sr)
        ],
    }


@router.post("/servicedesk/requests/{number}/offers", response={201: list[OfferOut]}, summary="Offer to providers")
def offers_send(request, number: str, payload: OffersIn):
    sr = _request_or_404(request, number)
    if not request.user.has_perm("servicedesk.match_request", sr):
        raise ApiError(403, "permission_denied", _("You may not do this."))
    experts = {e.public_id: e for e in Expert.objects.filter(public_id__in=payload.experts)}
    unknown = [str(p) for p in payload.experts if p not in experts]
    if unknown:
        message = _("Unknown experts: %(ids)s") % {"ids": ", ".join(unknown)}
        raise ApiError(422, "invalid_input", message, {"experts": [message]})
    scores = {}
    if sr.status in (Status.ACCEPTED, Status.OFFERED):
        ranking = matching.rank(matching.spec_for(sr), limit=100)
        excluded = {e.expert_id: e for e in ranking.exclusions if e.reason == "conflict"}
        conflicted = [experts[p] for p in payload.experts if experts[p].pk in excluded]
        if conflicted:
            message = _("Conflict of interest: %(names)s") % {"names": ", ".join(e.display_name() for e in conflicted)}
            raise ApiError(422, "conflict_of_interest", message, {"experts": [message]})
        scores = {m.expert_id: m.score for m in ranking.items}
    with _service_errors():
        offers = services.offers_send(
            actor=request.user,
            request=sr,
            experts=[experts[p] for p in payload.experts],
            scores={e.pk: scores.get(e.pk, 0.0) for e in experts.values()} if scores else None,
        )
    return HttpStatus(201, [OfferOut.from_offer(o) for o in offers])


def _offer_or_404(request, offer_id: int) -> Offer:
    offer = Offer.objects.select_related("request", "expert").filter(pk=offer_id).first()
    if offer is None or (
        offer.expert.user_id != request.user.pk and not request.user.has_perm("servicedesk.view_request", offer.request)
    ):
        raise ApiError(404, "not_found", _("No such object, or you may not see it."))
    return offer


@router.get("/servicedesk/offers", response=list[OfferOut], summary="Offers made to you")
def my_offers(request, status: OfferStatus | None = None):
    offers = selectors.my_offers(user=request.user)
    if status:
        offers = offers.filter(status=status)
    return [OfferOut.from_offer(o) for o in offers[:500]]


@router.post("/servicedesk/offers/{int:offer_id}/accept", response=RequestOut, summary="Accept an offer")
def offer_accept(request, offer_id: int):
    offer = _offer_or_404(request, offer_id)
    with _service_errors():
        sr = services.offer_accept(actor=request.user, offer=offer)
    return RequestOut.from_request(sr)


@router.post("/servicedesk/offers/{int:offer_id}/decline", response=OfferOut, summary="Decline an offer")
def offer_decline(request, offer_id: int, payload: DeclineIn):
    offer = _offer_or_404(request, offer_id)
    with _service_errors():
        offer = services.offer_decline(actor=request.user, offer=offer, reason=payload.reason)
    return OfferOut.from_offer(offer)
