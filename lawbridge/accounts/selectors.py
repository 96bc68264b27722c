"""Reads about people and organisations, restricted to what the asking user may see."""

from django.db.models import Count, Q, QuerySet

from .choices import Role
from .models import ApiToken, Membership, Organisation, User


def organisation_list(*, user: User, kind: str | None = None, query: str = "") -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    qs = Organisation.objects.all()
    if not user.has_perm("accounts.view_all_organisations"):
        qs = qs.filter(memberships__user=user, memberships__is_active=True).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(name_en__icontains=query) | Q(uscc__iexact=query))
    return qs.select_related("parent")


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.filter(is_active=True).select_related("user").order_by("role", "user__email")


def organisation_children(*, user: User, organisation: Organisation) -> QuerySet[Organisation]:
    """Service points (or units) under this organisation that ``user`` may see."""
    return organisation_list(user=user).filter(parent=organisation).order_by("service_point_level", "name")


def invitations_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.filter(invitation_pending=True).select_related("user", "invited_by")


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return user.memberships.filter(is_active=True).select_related("organisation").order_by("organisation__name")


def pending_invitations(*, user: User) -> QuerySet[Membership]:
    return user.memberships.filter(invitation_pending=True).select_related("organisation", "invited_by")


def organisations_awaiting_verification(*, user: User) -> QuerySet[Organisation]:
    """The verification queue: city-wide for the center and admins, a sub-center's own districts otherwise."""
    if not user.has_perm("accounts.verify_organisations"):
        return Organisation.objects.none()
    qs = Organisation.objects.filter(is_verified=False).order_by("created_at", "id")
    if not (user.roles & {Role.PLATFORM_ADMIN, Role.CENTER_STAFF}):
        qs = qs.filter(district_code__in=user.service_districts)
    return qs


SECURITY_EVENTS = (
    "accounts.login",
    "accounts.login.failed",
    "accounts.password.changed",
    "accounts.mfa.added",
    "accounts.mfa.removed",
    "accounts.email.confirmed",
)


def security_events_of(*, user: User, limit: int = 10):
    """The user's own recent sign-ins, failed attempts and security changes, newest first."""
    from lawbridge.core.audit import entries_for

    return entries_for(user).filter(additional_data__event__in=SECURITY_EVENTS)[:limit]


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return user.api_tokens.all()


def platform_figures(*, user: User) -> dict[str, object]:
    """Counts of accounts and organisations for oversight panels."""
    if not user.has_perm("accounts.view_platform_figures"):
        return {}
    by_kind = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    by_type = dict(User.objects.values_list("account_type").annotate(n=Count("id")).values_list("account_type", "n"))
    return {
        "organisations_by_kind": by_kind,
        "users_by_type": by_type,
        "unverified_organisations": Organisation.objects.filter(is_verified=False).count(),
    }


def service_center() -> Organisation:
    """The city's central service point (the "1" of 1+N)."""
    from .choices import OrganisationKind, ServicePointLevel

    return Organisation.objects.get(kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.CENTER)


def service_point_for_district(district_code: str) -> Organisation:
    """Where a request from ``district_code`` lands: that district's sub-center, else the center."""
    from .choices import OrganisationKind, ServicePointLevel

    if district_code:
        found = (
            Organisation.objects.filter(
                kind=OrganisationKind.SERVICE_POINT,
                service_point_level=ServicePointLevel.SUBCENTER,
                district_code=district_code,
            )
            .order_by("id")
            .first()
        )
        if found is not None:
            return found
    return service_center()
