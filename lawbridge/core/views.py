"""Pages of the core app: home, dashboard, inbox, task status, language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lawbridge.accounts import selectors as account_selectors
from lawbridge.accounts.choices import AccountType, OrganisationKind

from . import dashboard as dashboard_panels
from . import selectors, services
from .city import city, localized


def home(request):
    center = city()["center"]
    return render(
        request,
        "core/home.html",
        {"center_name": localized(center["name"]), "district_count": len(city()["districts"])},
    )


def _chart_rows(counts: dict[str, int], choices) -> list[tuple[str, int, int]]:
    """(label, count, largest count) per choice, for a bar chart drawn with <meter>."""
    largest = max(counts.values(), default=0) or 1
    return [(choice.label, counts.get(choice.value, 0), largest) for choice in choices]


@login_required
def dashboard(request):
    user = request.user
    figures = account_selectors.platform_figures(user=user)
    if figures:
        figures["organisation_rows"] = _chart_rows(figures["organisations_by_kind"], OrganisationKind)
        figures["user_rows"] = _chart_rows(figures["users_by_type"], AccountType)
    return render(
        request,
        "core/dashboard.html",
        {
            "memberships": account_selectors.memberships_of(user=user),
            "invitations": account_selectors.pending_invitations(user=user),
            "awaiting_verification": account_selectors.organisations_awaiting_verification(user=user)[:10],
            "recent_notifications": selectors.notification_list(user=user, unread_only=True)[:5],
            "figures": figures,
            "panels": dashboard_panels.panels_for(user),
            "roles": sorted(user.roles),
        },
    )


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    items = selectors.notification_list(user=request.user, unread_only=unread_only)[:200]
    context = {"notifications": items, "unread_only": unread_only}
    template = "core/notifications.html#list" if request.htmx else "core/notifications.html"
    return render(request, template, context)


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except services.Notification.DoesNotExist:
        raise Http404 from None
    if request.htmx:
        # The item, and the header's unread count swapped out of band.
        return render(request, "core/notification_read.html", {"n": notification, "oob": True})
    return HttpResponseRedirect(notification.url or reverse("core:notifications"))


@login_required
@require_POST
def notification_read_all(request):
    services.notification_mark_all_read(user=request.user)
    return HttpResponseRedirect(reverse("core:notifications"))


@login_required
def task_status(request):
    if not request.user.has_perm("core.view_task_status"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    from . import schedule

    return render(
        request,
        "core/tasks.html",
        {
            "results": selectors.task_results(user=request.user, status=status),
            "runs": selectors.scheduled_runs(user=request.user),
            "jobs": schedule.jobs(),
            "backend": settings.TASKS["default"]["BACKEND"],
            "status": status,
            "statuses": ["READY", "RUNNING", "SUCCESSFUL", "FAILED"],
        },
    )


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user's choice is kept on their profile."""
    from django.views.i18n import set_language as django_set_language

    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        from lawbridge.accounts.services import user_profile_update

        user_profile_update(user=request.user, language=language)
    return django_set_language(request)  # it checks that "next" stays on this site


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"code": 403, "reason": "forbidden"}, status=403)


def not_found(request, exception=None):
    return render(request, "core/error.html", {"code": 404, "reason": "not_found"}, status=404)


def bad_request(request, exception=None):
    return render(request, "core/error.html", {"code": 400, "reason": "bad_request"}, status=400)


def server_error(request):
    return render(request, "core/error.html", {"code": 500, "reason": "server_error"}, status=500)
