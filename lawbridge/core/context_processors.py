"""What every page needs: the city's name, the navigation this user may use, the unread count."""

from dataclasses import dataclass

from allauth.mfa.utils import is_mfa_enabled
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .city import city_name


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str


# Entries other apps add (in their AppConfig.ready): (label, url name, permission or None, shown to visitors).
_APP_ENTRIES: list[tuple[object, str, str | None, bool]] = []


def register_nav(label, url_name: str, *, perm: str | None = None, public: bool = False) -> None:
    """Add an app's page to the top navigation; ``perm`` (a rule) decides who sees it."""
    _APP_ENTRIES.append((label, url_name, perm, public))


def _app_items(user, *, public_only: bool) -> list[NavItem]:
    items = []
    for label, url_name, perm, public in _APP_ENTRIES:
        if public_only and not public:
            continue
        if perm is not None and not user.has_perm(perm):
            continue
        items.append(NavItem(label, reverse(url_name), url_name.split(":")[-1]))
    return items


def navigation(user) -> list[NavItem]:
    """The top navigation: each entry is shown only to users a rule lets through."""
    items = [NavItem(_("Home"), reverse("core:home"), "home")]
    if not user.is_authenticated:
        return items + _app_items(user, public_only=True)
    if user.needs_two_factor and not is_mfa_enabled(user):
        return items  # every other page sends them to the two-factor set-up until it is done
    items.append(NavItem(_("Dashboard"), reverse("core:dashboard"), "dashboard"))
    items += _app_items(user, public_only=False)
    if user.memberships.exists() or user.has_perm("accounts.view_all_organisations"):
        items.append(NavItem(_("Organisations"), reverse("accounts:organisations"), "organisations"))
    items.append(NavItem(_("Notifications"), reverse("core:notifications"), "notifications"))
    if user.has_perm("accounts.create_staff_account"):
        items.append(NavItem(_("Staff accounts"), reverse("accounts:staff_create"), "staff"))
    if user.has_perm("core.view_task_status"):
        items.append(NavItem(_("Background tasks"), reverse("core:tasks"), "tasks"))
    items.append(NavItem(_("API"), reverse("api:openapi-view"), "api"))
    if user.has_perm("core.use_admin_site") and user.is_staff:
        items.append(NavItem(_("Admin"), reverse("admin:index"), "admin"))
    return items


def platform(request):
    from django.contrib.auth.models import AnonymousUser

    user = getattr(request, "user", None) or AnonymousUser()  # error pages can render before authentication
    unread = 0
    if user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "city_name": city_name(),
        "nav_items": navigation(user),
        "unread_notifications": unread,
    }
