"""Pages of the network: the public directory (experts, institutions, service points), applications,
expert profiles kept by institutions, and verification by service-point staff. Thin: parse, call, render."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lawbridge.accounts.choices import Role, ServicePointLevel
from lawbridge.core.audit import entries_for
from lawbridge.core.city import district_choices

from . import selectors, services, taxonomy
from .choices import EXPERT_FACETS, INSTITUTION_FACETS, ReviewStatus, Vocabulary
from .forms import CredentialForm, ExpertForm, InstitutionForm, ReviewForm, apply_service_errors
from .models import Expert, Institution, ServicePoint


def _filters(request, names) -> dict[str, list[str]]:
    return {name: request.GET.getlist(name) for name in names if request.GET.getlist(name)}


def _query_without(request, name: str | None = None, value: str | None = None, **replace) -> str:
    """The current query string with one facet value removed (for 'remove filter' links) or keys replaced."""
    query = request.GET.copy()
    query.pop("page", None)
    if name is not None:
        values = [v for v in query.getlist(name) if v != value]
        query.setlist(name, values)
    for key, val in replace.items():
        query[key] = val
    return query.urlencode()


# -- experts -----------------------------------------------------------------------------------------------


def expert_list(request):
    q = request.GET.get("q", "")
    filters = _filters(request, EXPERT_FACETS)
    status, error, page = 200, None, None
    try:
        page = selectors.expert_directory(
            user=request.user,
            q=q,
            filters=filters,
            page=request.GET.get("page", 1),
            page_size=request.GET.get("page_size", 20),
            order=request.GET.get("order", "relevance"),
            matchable_only=request.GET.get("available") == "1",
        )
    except selectors.DirectoryError as exc:
        status, error = 400, exc.message
    chosen = [
        (name, value, selectors.facet_label(name, value), _query_without(request, name, value))
        for name, values in filters.items()
        for value in values
    ]
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "network/expert_list.html",
        {
            "page": page,
            "q": q,
            "error": error,
            "chosen": chosen,
            "order": request.GET.get("order", "relevance"),
            "available": request.GET.get("available") == "1",
            "export_query": export_query.urlencode(),
            "page_query": _query_without(request),
            "home_city": taxonomy.home_city_code(),
        },
        status=status,
    )


def _expert_or_404(request, public_id) -> Expert:
    expert = get_object_or_404(
        Expert.objects.select_related("institution__organisation", "source", "user"), public_id=public_id
    )
    if not request.user.has_perm("network.view_expert", expert):
        raise Http404
    return expert


def expert_detail(request, public_id):
    expert = _expert_or_404(request, public_id)
    user = request.user
    can_verify = user.has_perm("network.verify_expert", expert)
    context = {
        "expert": expert,
        "private": user.has_perm("network.view_expert_private", expert),
        "can_change": user.has_perm("network.change_expert", expert),
        "can_verify": can_verify,
        "review_form": ReviewForm() if can_verify else None,
        "credential_form": CredentialForm() if user.has_perm("network.change_expert", expert) else None,
        "credentials": expert.credentials.all(),
        "expert_languages": expert.languages.all(),
        "practice_areas": expert.practice_areas.all(),
        "industries": expert.industries.all(),
        "history": entries_for(expert)[:20] if user.has_perm("network.view_expert_private", expert) else None,
    }
    return render(request, "network/expert_detail.html", context)


@login_required
def my_profile(request):
    """The signed-in expert's own profile."""
    expert = Expert.objects.filter(user=request.user).first()
    if expert is None:
        raise Http404
    return redirect("network:expert", expert.public_id)


@login_required
def my_institution(request):
    """The institution the signed-in user administers (the first, if several)."""
    institution = (
        Institution.objects.filter(
            organisation__memberships__user=request.user,
            organisation__memberships__role=Role.INSTITUTION_ADMIN,
            organisation__memberships__is_active=True,
        )
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    if institution is None:
        raise Http404
    return redirect("network:institution", institution.organisation.slug)


def _render_form(request, template_context: dict, status: int = 200):
    return render(request, "network/form.html", template_context, status=status)


@login_required
def expert_new(request, slug):
    institution = get_object_or_404(Institution.objects.select_related("organisation"), organisation__slug=slug)
    if not request.user.has_perm("network.add_expert", institution):
        raise PermissionDenied
    may_set_tier = request.user.has_perm("network.import")
    form = ExpertForm(request.POST or None, may_set_tier=may_set_tier, initial={"languages": "zh:native"})
    credential_form = CredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and credential_form.is_valid():
        try:
            expert = services.expert_create(
                actor=request.user,
                institution=institution,
                credentials=[credential_form.cleaned_data],
                submit="submit" in request.POST,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, also=credential_form)
        else:
            messages.success(request, _("The expert's profile is saved."))
            return redirect("network:expert", expert.public_id)
    return _render_form(
        request,
        {
            "title": _("Add an expert to %(name)s") % {"name": institution.name()},
            "forms": [form, credential_form],
            "submit_label": _("Save as draft"),
            "second_submit": ("submit", _("Save and ask for verification")),
            "back": reverse("network:institution", args=[slug]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def expert_edit(request, public_id):
    expert = _expert_or_404(request, public_id)
    if not request.user.has_perm("network.change_expert", expert):
        raise PermissionDenied
    may_set_tier = request.user.has_perm("network.import")
    form = ExpertForm(request.POST or None, may_set_tier=may_set_tier, initial=ExpertForm.initial_for(expert))
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(actor=request.user, expert=expert, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The expert's profile is saved."))
            return redirect("network:expert", expert.public_id)
    return _render_form(
        request,
        {
            "title": _("Edit %(name)s") % {"name": expert.display_name()},
            "forms": [form],
            "submit_label": _("Save"),
            "back": reverse("network:expert", args=[expert.public_id]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def expert_submit(request, public_id):
    expert = _expert_or_404(request, public_id)
    try:
        services.expert_submit(actor=request.user, expert=expert)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Sent for verification. Service-point staff will check the credentials."))
    return redirect("network:expert", expert.public_id)


@login_required
@require_POST
def credential_add(request, public_id):
    expert = _expert_or_404(request, public_id)
    if not request.user.has_perm("network.change_expert", expert):
        raise PermissionDenied
    form = CredentialForm(request.POST)
    if form.is_valid():
        try:
            services.credential_add(actor=request.user, expert=expert, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Credential added. Staff verify it with the profile."))
            return redirect("network:expert", expert.public_id)
    return _render_form(
        request,
        {
            "title": _("Add a credential for %(name)s") % {"name": expert.display_name()},
            "forms": [form],
            "submit_label": _("Add the credential"),
            "action": reverse("network:credential_add", args=[expert.public_id]),
            "back": reverse("network:expert", args=[expert.public_id]),
        },
        status=400,
    )


@login_required
@require_POST
def expert_review(request, public_id):
    expert = _expert_or_404(request, public_id)
    if not request.user.has_perm("network.verify_expert", expert):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.expert_review(
                actor=request.user,
                expert=expert,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(request.POST.get("next") or reverse("network:expert", args=[expert.public_id]))
    return _render_form(
        request,
        {
            "title": _("Verify %(name)s") % {"name": expert.display_name()},
            "forms": [form],
            "submit_label": _("Record the decision"),
            "action": reverse("network:expert_review", args=[expert.public_id]),
            "back": reverse("network:expert", args=[expert.public_id]),
        },
        status=400,
    )


def expert_export(request, fmt):
    from . import exports

    filters = _filters(request, EXPERT_FACETS)
    try:
        content = exports.export_experts(user=request.user, q=request.GET.get("q", ""), filters=filters, format=fmt)
    except selectors.DirectoryError as exc:
        return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="experts.{fmt}"'
    return response


# -- institutions ------------------------------------------------------------------------------------------


def institution_list(request):
    q = request.GET.get("q", "")
    filters = _filters(request, INSTITUTION_FACETS)
    status, error, page = 200, None, None
    try:
        page = selectors.institution_directory(user=request.user, q=q, filters=filters, page=request.GET.get("page", 1))
    except selectors.DirectoryError as exc:
        status, error = 400, exc.message
    chosen = [
        (name, value, selectors.facet_label(name, value), _query_without(request, name, value))
        for name, values in filters.items()
        for value in values
        if name != "kind"
    ]
    return render(
        request,
        "network/institution_list.html",
        {"page": page, "q": q, "error": error, "chosen": chosen, "page_query": _query_without(request)},
        status=status,
    )


def _institution_or_404(request, slug) -> Institution:
    institution = get_object_or_404(Institution.objects.select_related("organisation"), organisation__slug=slug)
    if not request.user.has_perm("network.view_institution", institution):
        raise Http404
    return institution


def institution_detail(request, slug):
    institution = _institution_or_404(request, slug)
    user = request.user
    can_change = user.has_perm("network.change_institution", institution)
    can_verify = user.has_perm("network.verify_institution", institution)
    experts = selectors.visible_experts(user).filter(institution=institution).order_by("name")
    return render(
        request,
        "network/institution_detail.html",
        {
            "institution": institution,
            "experts": experts,
            "can_change": can_change,
            "can_add_expert": user.has_perm("network.add_expert", institution),
            "can_verify": can_verify,
            "review_form": ReviewForm() if can_verify else None,
            "private": can_change or selectors.sees_everything(user),
            "history": entries_for(institution)[:20] if (can_change or can_verify) else None,
        },
    )


@login_required
def institution_apply(request):
    if not request.user.has_perm("network.apply_institution"):
        raise PermissionDenied
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_apply(actor=request.user, submit=True, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your application is in. Service-point staff will check it; you can add your experts meanwhile."),
            )
            return redirect("network:institution", institution.organisation.slug)
    return _render_form(
        request,
        {
            "title": _("Join the network as an institution"),
            "intro": _(
                "Law firms, arbitration commissions, notary offices, appraisal bodies, mediation organisations, "
                "legal aid and foreign-law ascertainment centers, liaison offices, chambers of commerce and industry "
                "associations can apply. Service-point staff verify the licence before the profile is public."
            ),
            "forms": [form],
            "submit_label": _("Submit the application"),
            "back": reverse("network:institutions"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def institution_edit(request, slug):
    institution = _institution_or_404(request, slug)
    if not request.user.has_perm("network.change_institution", institution):
        raise PermissionDenied
    form = InstitutionForm(request.POST or None, initial=InstitutionForm.initial_for(institution))
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        if data.pop("kind") != institution.kind:
            form.add_error("kind", _("The kind of institution is changed by the service center."))
        else:
            try:
                services.institution_update(actor=request.user, institution=institution, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("network:institution", slug)
    return _render_form(
        request,
        {
            "title": _("Edit %(name)s") % {"name": institution.name()},
            "forms": [form],
            "submit_label": _("Save"),
            "back": reverse("network:institution", args=[slug]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def institution_review(request, slug):
    institution = _institution_or_404(request, slug)
    if not request.user.has_perm("network.verify_institution", institution):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.institution_review(
            actor=request.user,
            institution=institution,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Decision recorded."))
        return redirect(request.POST.get("next") or reverse("network:institution", args=[slug]))
    return _render_form(
        request,
        {
            "title": _("Verify %(name)s") % {"name": institution.name()},
            "forms": [form],
            "submit_label": _("Record the decision"),
            "action": reverse("network:institution_review", args=[slug]),
            "back": reverse("network:institution", args=[slug]),
        },
        status=400,
    )


@login_required
def review_queue(request):
    if not request.user.has_perm("network.verify_experts"):
        raise PermissionDenied
    queue = selectors.review_queue(request.user)
    return render(
        request,
        "network/review_queue.html",
        {
            "institutions": queue["institutions"][:200],
            "experts": queue["experts"][:200],
            "expiring": selectors.expiring_credentials(days=30).filter(expert__status=ReviewStatus.VERIFIED)[:100],
            "review_form": ReviewForm(),
        },
    )


# -- service points ----------------------------------------------------------------------------------------


def point_list(request):
    district = request.GET.get("district", "")
    service = request.GET.get("service", "")
    if district and district not in dict(district_choices()):
        district = ""
    if service and service not in taxonomy.term_codes(Vocabulary.SERVICE_KIND):
        service = ""
    points = list(selectors.service_points(district=district, service=service))
    markers = [
        {
            "name": p.name(),
            "level": p.organisation.get_service_point_level_display(),
            "lat": float(p.latitude),
            "lon": float(p.longitude),
            "url": reverse("network:point", args=[p.organisation.slug]),
        }
        for p in points
        if p.latitude is not None and p.longitude is not None
    ]
    return render(
        request,
        "network/point_list.html",
        {
            "points": points,
            "markers": markers,
            "district": district,
            "service": service,
            "districts": district_choices(),
            "services": taxonomy.term_choices(Vocabulary.SERVICE_KIND),
            "tiles": settings.LAWBRIDGE_MAP_TILES,
            "attribution": settings.LAWBRIDGE_MAP_ATTRIBUTION,
            "levels": ServicePointLevel,
        },
    )


def point_detail(request, slug):
    point = get_object_or_404(
        ServicePoint.objects.select_related("organisation", "organisation__parent"), organisation__slug=slug
    )
    children = ServicePoint.objects.filter(organisation__parent=point.organisation).select_related("organisation")
    institutions = selectors.visible_institutions(request.user).filter(service_points=point)
    marker = (
        [{"name": point.name(), "lat": float(point.latitude), "lon": float(point.longitude), "url": ""}]
        if point.latitude is not None and point.longitude is not None
        else []
    )
    return render(
        request,
        "network/point_detail.html",
        {
            "point": point,
            "children": children,
            "institutions": institutions,
            "markers": marker,
            "tiles": settings.LAWBRIDGE_MAP_TILES,
            "attribution": settings.LAWBRIDGE_MAP_ATTRIBUTION,
            "hours": _hours_rows(point.opening_hours),
        },
    )


def _hours_rows(hours: list[dict]) -> list[tuple[str, str]]:
    """Opening hours as (days, times) rows in the UI language, e.g. ("Mon–Fri", "09:00–17:30")."""
    from babel.dates import get_day_names

    from .taxonomy import _babel_locale

    names = get_day_names("abbreviated", locale=_babel_locale(None))  # 0 = Monday
    rows = []
    for entry in hours or []:
        days = sorted(int(d) for d in entry.get("days", []) if 1 <= int(d) <= 7)
        if not days:
            continue
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            label = f"{names[days[0] - 1]}–{names[days[-1] - 1]}"
        else:
            label = ", ".join(names[d - 1] for d in days)
        rows.append((label, f"{entry.get('opens', '')}–{entry.get('closes', '')}"))
    return rows


def markers_json(markers) -> str:
    return json.dumps(markers, ensure_ascii=False)
