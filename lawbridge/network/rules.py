"""Who may do what in the network. Default deny: a permission not granted here is refused.

The public sees verified service points, institutions and experts. Service-point staff verify what is in
their districts (the center: everywhere). An institution's administrators keep its profile and experts.
Private fields (phone, licence numbers, capacity) are for staff, the institution and the expert.
"""

import rules

from lawbridge.accounts.choices import Role
from lawbridge.accounts.rules import (
    has_any_role,
    is_active_user,
    is_center_staff,
    is_network_staff,
    is_platform_admin,
    is_supervisor,
)

from .choices import ReviewStatus

is_institution_admin_anywhere = has_any_role(Role.INSTITUTION_ADMIN)


def _district_of(obj) -> str:
    from .models import Expert, Institution, ServicePoint

    if isinstance(obj, Expert):
        if obj.district_code:
            return obj.district_code
        return obj.institution.organisation.district_code if obj.institution_id else ""
    if isinstance(obj, Institution | ServicePoint):
        return obj.organisation.district_code
    return ""


@rules.predicate
def in_my_districts(user, obj) -> bool:
    """The object is in a district served by a sub-center, workstation or park station where the user works."""
    if obj is None or not user.is_authenticated:
        return False
    district = _district_of(obj)
    return bool(district) and district in user.service_districts


def _organisation_of(obj):
    from .models import Expert

    if isinstance(obj, Expert):
        return obj.institution.organisation if obj.institution_id else None
    return getattr(obj, "organisation", None)


@rules.predicate
def administers(user, obj) -> bool:
    """The user is an administrator of the institution (or of the expert's institution)."""
    organisation = _organisation_of(obj)
    if organisation is None or not user.is_authenticated:
        return False
    return user.memberships.filter(organisation=organisation, role=Role.INSTITUTION_ADMIN, is_active=True).exists()


@rules.predicate
def works_at(user, obj) -> bool:
    """The user holds any active role at the service point."""
    organisation = _organisation_of(obj)
    if organisation is None or not user.is_authenticated:
        return False
    return user.memberships.filter(organisation=organisation, is_active=True).exists()


@rules.predicate
def is_the_expert(user, expert) -> bool:
    return expert is not None and user.is_authenticated and expert.user_id == user.pk


@rules.predicate
def is_published(user, obj) -> bool:
    """Public: verified (an expert also needs a verified institution, when it has one)."""
    return obj is not None and bool(getattr(obj, "is_public", obj.status == ReviewStatus.VERIFIED))


@rules.predicate
def is_local(user, obj) -> bool:
    return obj is not None and getattr(obj, "source_id", None) is None


# Staff who see every profile, verified or not, and every private field.
sees_everything = is_platform_admin | is_network_staff | is_supervisor
may_verify = is_platform_admin | is_center_staff | (is_network_staff & in_my_districts)

rules.add_perm("network.view_service_point", rules.always_allow)
rules.add_perm("network.change_service_point", is_platform_admin | is_center_staff | (is_network_staff & works_at))

rules.add_perm("network.view_institution", is_published | (is_active_user & (sees_everything | administers)))
rules.add_perm("network.apply_institution", is_active_user)
rules.add_perm("network.change_institution", is_active_user & (is_platform_admin | administers))
rules.add_perm("network.add_expert", is_active_user & (is_platform_admin | administers))
rules.add_perm("network.verify_institutions", is_platform_admin | is_network_staff)
rules.add_perm("network.verify_institution", may_verify)

rules.add_perm("network.view_expert", is_published | (is_active_user & (sees_everything | administers | is_the_expert)))
rules.add_perm("network.view_expert_private", is_active_user & (sees_everything | administers | is_the_expert))
rules.add_perm("network.change_expert", is_active_user & is_local & (is_platform_admin | administers | is_the_expert))
rules.add_perm("network.verify_experts", is_platform_admin | is_network_staff)
rules.add_perm("network.verify_expert", is_local & may_verify)
rules.add_perm("network.import", is_platform_admin | is_center_staff | has_any_role(Role.SUBCENTER_STAFF))
rules.add_perm("network.export_private", is_platform_admin | is_network_staff | is_supervisor)
rules.add_perm("network.manage_peers", is_platform_admin)


@rules.predicate
def has_expert_profile(user) -> bool:
    from lawbridge.accounts.choices import PROVIDER_ROLES

    from .models import Expert

    if not user.is_authenticated or not (user.roles & PROVIDER_ROLES):
        return False  # experts hold a provider role; the others are spared a query on every page
    cached = getattr(user, "_has_expert_profile", None)  # asked on every page, for the navigation
    if cached is None:
        cached = user._has_expert_profile = Expert.objects.filter(user=user).exists()
    return cached


# Shortcuts in the navigation.
rules.add_perm("network.view_own_profile", is_active_user & has_expert_profile)
rules.add_perm("network.view_own_institution", is_active_user & is_institution_admin_anywhere)
