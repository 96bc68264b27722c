"""Pages of the service desk: the guided intake, the request page (status and timeline for the requester; triage,
the explained match table and offers for staff; accept, decline and close for providers), the staff queue, and
the requester's and the provider's own lists. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lawbridge.accounts.choices import OrganisationKind
from lawbridge.accounts.models import Organisation
from lawbridge.accounts.rules import is_center_staff, is_platform_admin, is_supervisor
from lawbridge.core.audit import entries_for
from lawbridge.network import taxonomy
from lawbridge.network.models import Expert

from . import matching, selectors, services
from .choices import TRIAGE_STATUSES, Need, OfferStatus, Status, Urgency
from .forms import (
    NEED_HELP,
    AcceptForm,
    AnswerForm,
    AskForm,
    CloseForm,
    DeclineForm,
    IntakeForm,
    MergeForm,
    OffersForm,
    RateForm,
    ReasonForm,
    WithdrawForm,
    apply_service_errors,
    need_groups,
)
from .models import Attachment, Offer, ServiceRequest

EXCLUSION_REASONS = {
    "conflict": gettext_lazy("Conflict of interest"),
    "credentials": gettext_lazy("Credentials not in force"),
    "at_capacity": gettext_lazy("No room for more matters"),
    "unavailable": gettext_lazy("Not taking matters now"),
}
# What each status means to the person who filed the request.
PLAIN_STATUS = {
    Status.SUBMITTED: gettext_lazy("Your request has arrived. Staff of the service point will look at it shortly."),
    Status.INFO_REQUESTED: gettext_lazy("Staff need more information from you: please answer below."),
    Status.ACCEPTED: gettext_lazy("Your request is accepted. Staff are finding the right provider."),
    Status.OFFERED: gettext_lazy("Your matter has been offered to providers; the first to accept takes it."),
    Status.ASSIGNED: gettext_lazy("A provider is handling your matter."),
    Status.CLOSED: gettext_lazy("The matter is closed. Please rate the service."),
    Status.MERGED: gettext_lazy("This request was merged into another one, which carries on."),
    Status.REFERRED_OUT: gettext_lazy("This request was referred elsewhere."),
    Status.WITHDRAWN: gettext_lazy("You withdrew this request."),
}


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _request_or_404(request, number: str) -> ServiceRequest:
    found = get_object_or_404(
        ServiceRequest.objects.select_related(
            "service_point", "requester", "organisation", "merged_into", "assigned_expert__institution__organisation"
        ),
        number=number,
    )
    if not request.user.has_perm("servicedesk.view_request", found):
        raise Http404
    return found


# -- intake ------------------------------------------------------------------------------------------------


@login_required
def request_new(request):
    if not request.user.has_perm("servicedesk.create_request"):
        raise PermissionDenied
    initial = {"languages": [request.user.language[:2]]}
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(requester=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your request is filed under number %(number)s. Quote it whenever you contact us.")
                % {"number": created.number},
            )
            return redirect("servicedesk:request", created.number)
    groups = [
        (stage, label, [(value, need_label, NEED_HELP[value]) for value, need_label in needs])
        for stage, label, needs in need_groups()
    ]
    return render(
        request,
        "servicedesk/request_new.html",
        {"form": form, "need_groups": groups, "chosen_need": form["need"].value() or ""},
        status=400 if request.method == "POST" else 200,
    )


# -- the request page --------------------------------------------------------------------------------------


def _match_table(sr: ServiceRequest, user) -> dict:
    ranking = services.matches_for(actor=user, request=sr)
    ids = {m.expert_id for m in ranking.items} | {e.expert_id for e in ranking.exclusions}
    experts = Expert.objects.select_related("institution__organisation").in_bulk(ids)
    rows = [
        {"rank": n, "match": m, "expert": experts.get(m.expert_id)}
        for n, m in enumerate(ranking.items, start=1)
        if m.expert_id in experts
    ]
    exclusions = [
        {"expert": experts.get(e.expert_id), "reason": EXCLUSION_REASONS.get(e.reason, e.reason), "detail": e.detail}
        for e in ranking.exclusions
        if e.expert_id in experts
    ]
    return {
        "rows": rows,
        "exclusions": exclusions,
        "weights": matching.explain_weights(),
        "candidates": ranking.candidates,
        "notes": getattr(ranking, "notes", []),
        "choices": [(str(row["expert"].public_id), row["expert"].display_name()) for row in rows],
        "scores": {str(row["expert"].public_id): (row["expert"], row["match"].score) for row in rows},
    }


def _render_detail(request, sr: ServiceRequest, bound: dict | None = None, status: int = 200):
    """The request page for this user, with ``bound`` forms (with their errors) in place of fresh ones."""
    user = request.user
    bound = bound or {}
    version = {"version": sr.version}
    can_triage = user.has_perm("servicedesk.triage_request", sr)
    can_match = user.has_perm("servicedesk.match_request", sr)
    is_requester = sr.requester_id == user.pk
    offers = list(sr.offers.select_related("expert__institution__organisation"))
    my_offer = next((o for o in offers if o.expert.user_id == user.pk and o.status == OfferStatus.SENT), None)
    is_assigned = bool(sr.assigned_expert_id and sr.assigned_expert.user_id == user.pk)
    context = {
        "sr": sr,
        "plain_status": PLAIN_STATUS.get(sr.status, ""),
        "industry_label": taxonomy.term_label("industry", sr.industry) if sr.industry else "",
        "is_requester": is_requester,
        "attachments": sr.attachments.all(),
        "history": entries_for(sr)[:100],
        "offers": offers if (can_match or user.has_perm("servicedesk.view_queues")) else [],
        "can_triage": can_triage and sr.status in (*TRIAGE_STATUSES, Status.ACCEPTED),
        "my_offer": my_offer,
    }
    if can_triage:
        context.update(
            accept_form=bound.get("accept") or AcceptForm(initial=version),
            ask_form=bound.get("ask") or AskForm(initial=version),
            merge_form=bound.get("merge") or MergeForm(initial=version),
            escalate_form=bound.get("escalate") or ReasonForm(initial=version, prefix="escalate"),
            refer_form=bound.get("refer") or ReasonForm(initial=version, prefix="refer"),
            at_center=sr.service_point.service_point_level == "center",
        )
    context["can_see_exclusions"] = user.has_perm("servicedesk.triage_request", sr)  # staff, not self-service
    if can_match and sr.status in (Status.ACCEPTED, Status.OFFERED):
        table = _match_table(sr, request.user)
        context["matches"] = table
        context["offers_form"] = bound.get("offers") or OffersForm(choices=table["choices"])
    if is_requester and sr.status == Status.INFO_REQUESTED:
        context["answer_form"] = bound.get("answer") or AnswerForm()
    if is_requester and sr.is_open and sr.status != Status.ASSIGNED:
        context["withdraw_form"] = bound.get("withdraw") or WithdrawForm()
    if is_requester and sr.status == Status.CLOSED and sr.rating is None:
        context["rate_form"] = bound.get("rate") or RateForm()
    # Service levels, conferences, coordination tasks and the conversation.
    from . import conferences, coordination, messaging, sla

    if can_triage or is_requester or user.has_perm("servicedesk.view_queues"):
        context["clocks"] = sla.status(sr)
    context["conferences"] = conferences.conferences_for(user, sr)
    context["can_convene"] = user.has_perm("servicedesk.convene_conference", sr)
    if is_requester and not can_triage:
        context.update(tasks=coordination.tasks_for_requester(sr), requester_view=True)
    else:
        context.update(tasks=coordination.tasks_for(user, sr), requester_view=False)
    context["can_assign"] = user.has_perm("servicedesk.assign_task", sr)
    context["messages_list"] = messaging.messages_for(user, sr)
    context["can_post"] = user.has_perm("servicedesk.post_message", sr)
    if sr.source_type_id:
        source = sr.source
        context["source_url"] = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    if my_offer is not None:
        context["decline_form"] = bound.get("decline") or DeclineForm()
    if sr.status == Status.ASSIGNED and (is_assigned or can_triage):
        context["close_form"] = bound.get("close") or CloseForm()
    return render(request, "servicedesk/request_detail.html", context, status=status)


@login_required
def request_detail(request, number):
    return _render_detail(request, _request_or_404(request, number))


def _act(request, sr, form_key: str, form, call):
    """Run ``call(form.cleaned_data)`` (one service) for a valid form; on success back to the page with a message,
    else the page again with the form's errors (400), or with the conflict explained (409)."""
    if form.is_valid():
        try:
            message = call(form.cleaned_data)
        except services.StaleRequest as exc:
            messages.error(request, str(exc))
            sr.refresh_from_db()
            return _render_detail(request, sr, status=409)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(_safe_next(request, reverse("servicedesk:request", args=[sr.number])))
    sr.refresh_from_db()
    return _render_detail(request, sr, bound={form_key: form}, status=400)


@login_required
@require_POST
def request_accept(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_accept(actor=request.user, request=sr, expected_version=data["version"])
        return _("Accepted. Now choose providers from the match table.")

    return _act(request, sr, "accept", AcceptForm(request.POST), call)


@login_required
@require_POST
def request_ask(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_ask_information(
            actor=request.user, request=sr, question=data["question"], expected_version=data["version"]
        )
        return _("The question is sent to the requester.")

    return _act(request, sr, "ask", AskForm(request.POST), call)


@login_required
@require_POST
def request_merge(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        into = selectors.visible_requests(request.user).filter(number=data["into"].strip().upper()).first()
        if into is None:
            raise ValidationError({"into": _("No request with this number that you may see.")})
        services.request_merge(actor=request.user, request=sr, into=into, expected_version=data["version"])
        return _("Merged into %(number)s.") % {"number": into.number}

    return _act(request, sr, "merge", MergeForm(request.POST), call)


@login_required
@require_POST
def request_escalate(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_escalate(
            actor=request.user, request=sr, reason=data["reason"], expected_version=data["version"]
        )
        return _("Escalated to the service center.")

    return _act(request, sr, "escalate", ReasonForm(request.POST, prefix="escalate"), call)


@login_required
@require_POST
def request_refer_out(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_refer_out(
            actor=request.user, request=sr, reason=data["reason"], expected_version=data["version"]
        )
        return _("Referred elsewhere; the requester is told where to turn.")

    return _act(request, sr, "refer", ReasonForm(request.POST, prefix="refer"), call)


@login_required
@require_POST
def request_answer(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_answer_information(
            actor=request.user, request=sr, answer=data["answer"], attachments=data["attachments"]
        )
        return _("Thank you. Your answer is with the service point.")

    return _act(request, sr, "answer", AnswerForm(request.POST, request.FILES), call)


@login_required
@require_POST
def request_withdraw(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_withdraw(actor=request.user, request=sr, reason=data["reason"])
        return _("Your request is withdrawn.")

    return _act(request, sr, "withdraw", WithdrawForm(request.POST), call)


@login_required
@require_POST
def request_rate(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_rate(actor=request.user, request=sr, rating=data["rating"], comment=data["comment"])
        return _("Thank you for rating the service.")

    return _act(request, sr, "rate", RateForm(request.POST), call)


@login_required
@require_POST
def request_close(request, number):
    sr = _request_or_404(request, number)

    def call(data):
        services.request_close(actor=request.user, request=sr, outcome=data["outcome"])
        return _("The matter is closed; the requester is asked to rate it.")

    return _act(request, sr, "close", CloseForm(request.POST), call)


@login_required
@require_POST
def offers_send(request, number):
    sr = _request_or_404(request, number)
    if not request.user.has_perm("servicedesk.match_request", sr):
        raise PermissionDenied
    if sr.status not in (Status.ACCEPTED, Status.OFFERED):
        messages.error(request, _("Accept the request before offering it."))
        return _render_detail(request, sr, status=400)
    table = _match_table(sr, request.user)

    def call(data):
        chosen = [table["scores"][public_id] for public_id in data["experts"]]
        services.offers_send(
            actor=request.user,
            request=sr,
            experts=[expert for expert, _score in chosen],
            scores={expert.pk: score for expert, score in chosen},
        )
        return _("Offers sent to %(names)s.") % {"names": ", ".join(e.display_name() for e, _s in chosen)}

    return _act(request, sr, "offers", OffersForm(request.POST, choices=table["choices"]), call)


# -- answering offers --------------------------------------------------------------------------------------


def _offer_or_404(request, offer_id) -> Offer:
    offer = get_object_or_404(Offer.objects.select_related("request", "expert"), pk=offer_id)
    if offer.expert.user_id != request.user.pk and not request.user.has_perm("servicedesk.view_request", offer.request):
        raise Http404
    return offer


@login_required
@require_POST
def offer_accept(request, offer_id):
    offer = _offer_or_404(request, offer_id)
    try:
        services.offer_accept(actor=request.user, offer=offer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_safe_next(request, reverse("servicedesk:request", args=[offer.request.number])))
    messages.success(request, _("The matter is yours: %(number)s.") % {"number": offer.request.number})
    return redirect("servicedesk:request", offer.request.number)


@login_required
@require_POST
def offer_decline(request, offer_id):
    offer = _offer_or_404(request, offer_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.offer_decline(actor=request.user, offer=offer, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Declined. Staff will find someone else."))
            return redirect(_safe_next(request, reverse("servicedesk:offers")))
    sr = offer.request
    if not request.user.has_perm("servicedesk.view_request", sr):
        raise Http404
    return _render_detail(request, sr, bound={"decline": form}, status=400)


# -- attachments -------------------------------------------------------------------------------------------


@login_required
def attachment_download(request, number, attachment_id):
    sr = _request_or_404(request, number)
    attachment = get_object_or_404(Attachment, pk=attachment_id, request=sr)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


# -- lists -------------------------------------------------------------------------------------------------


def _count_options(choices, counts) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in choices]


@login_required
def queue(request):
    user = request.user
    if not user.has_perm("servicedesk.view_queues"):
        raise PermissionDenied
    may_pick_point = is_center_staff(user) or is_platform_admin(user) or is_supervisor(user)
    points = (
        Organisation.objects.filter(kind=OrganisationKind.SERVICE_POINT).order_by("service_point_level", "name")
        if may_pick_point
        else Organisation.objects.none()
    )
    point_slug = request.GET.get("point", "")
    point = points.filter(slug=point_slug).first() if point_slug else None
    status = request.GET.get("status", "") if request.GET.get("status", "") in Status.values else ""
    urgency = request.GET.get("urgency", "") if request.GET.get("urgency", "") in Urgency.values else ""
    need = request.GET.get("need", "") if request.GET.get("need", "") in Need.values else ""
    open_only = request.GET.get("all") != "1"
    requests, by_status, by_urgency = selectors.queue(
        user=user, point=point, status=status, urgency=urgency, need=need, open_only=open_only
    )
    page = Paginator(requests.select_related("organisation"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/queue.html",
        {
            "page": page,
            "points": points,
            "point": point,
            "status": status,
            "urgency": urgency,
            "need": need,
            "open_only": open_only,
            "status_options": _count_options(Status.choices, by_status),
            "urgency_options": _count_options(Urgency.choices, by_urgency),
            "need_options": Need.choices,
            "page_query": query.urlencode(),
        },
    )


@login_required
def my_requests(request):
    page = Paginator(selectors.my_requests(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "servicedesk/mine.html", {"page": page})


@login_required
def my_offers(request):
    offers = list(selectors.my_offers(user=request.user)[:200])
    return render(request, "servicedesk/offers.html", {"offers": offers, "decline_form": DeclineForm()})
