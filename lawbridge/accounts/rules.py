"""Who may do what with accounts and organisations. Default deny: a permission not granted here is refused.

Predicates take (user, obj); the selectors in selectors.py ask the same predicates,
so pages, the API and queries agree.
"""

import rules

from .choices import ENTERPRISE_ROLES, SERVICE_POINT_ROLES, Role


def has_any_role(*roles: str):
    wanted = frozenset(roles)
    name = "has_any_role:" + ",".join(sorted(wanted))

    @rules.predicate(name=name)
    def predicate(user) -> bool:
        return bool(user.is_authenticated and user.is_active and user.roles & wanted)

    return predicate


is_active_user = rules.predicate(lambda user: bool(user.is_authenticated and user.is_active), name="is_active_user")
is_platform_admin = has_any_role(Role.PLATFORM_ADMIN)
is_network_staff = has_any_role(*SERVICE_POINT_ROLES)
is_center_staff = has_any_role(Role.CENTER_STAFF)
is_subcenter_staff = has_any_role(Role.SUBCENTER_STAFF)
is_center_or_subcenter_staff = is_center_staff | is_subcenter_staff
is_supervisor = has_any_role(Role.SUPERVISOR)
is_government_liaison = has_any_role(Role.GOVERNMENT_LIAISON)


@rules.predicate
def is_member_of(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated or not user.is_active:
        return False
    return user.memberships.filter(organisation=organisation, is_active=True).exists()


@rules.predicate
def is_admin_of(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated or not user.is_active:
        return False
    return user.memberships.filter(organisation=organisation, is_active=True, role=Role.ENTERPRISE_ADMIN).exists()


@rules.predicate
def covers_district(user, organisation) -> bool:
    """The organisation is in a district served by a sub-center or workstation where the user works."""
    if organisation is None or not organisation.district_code or not user.is_authenticated:
        return False
    return organisation.district_code in user.service_districts


@rules.predicate
def is_self(user, other) -> bool:
    return other is not None and user.is_authenticated and user.pk == other.pk


# Who sees every organisation in the directory (others see only their own).
sees_all_organisations = is_platform_admin | is_network_staff | is_supervisor | is_government_liaison
# The center acts city-wide; a sub-center or workstation for the districts it serves.
network_staff_for = is_center_staff | (is_network_staff & covers_district)

rules.add_perm("accounts.view_all_organisations", sees_all_organisations)
rules.add_perm("accounts.view_organisation", is_active_user & (sees_all_organisations | is_member_of))
rules.add_perm("accounts.change_organisation", is_active_user & (is_platform_admin | is_admin_of))
# The general right (dashboard queue) and the right for one organisation (the button).
rules.add_perm("accounts.verify_organisations", is_platform_admin | is_center_or_subcenter_staff)
rules.add_perm(
    "accounts.verify_organisation", is_platform_admin | is_center_staff | (is_subcenter_staff & covers_district)
)
rules.add_perm("accounts.view_members", is_active_user & (is_platform_admin | network_staff_for | is_member_of))
rules.add_perm("accounts.invite_member", is_active_user & (is_platform_admin | is_admin_of))
rules.add_perm("accounts.create_staff_account", is_platform_admin)
rules.add_perm("accounts.view_user", is_active_user & (is_self | is_platform_admin))
rules.add_perm("accounts.manage_api_tokens", is_active_user)
rules.add_perm("accounts.view_audit_log", is_platform_admin | is_supervisor | network_staff_for)
rules.add_perm("accounts.view_platform_figures", is_platform_admin | is_supervisor | is_network_staff)


def roles_inviter_may_grant(user, organisation) -> frozenset[str]:
    """Platform admins may give any role the organisation's kind allows; an enterprise admin only enterprise roles."""
    from .choices import ROLES_BY_KIND

    allowed = ROLES_BY_KIND.get(organisation.kind, frozenset())
    if not is_active_user(user):
        return frozenset()
    if is_platform_admin(user):
        return allowed
    if is_admin_of(user, organisation):
        return allowed & ENTERPRISE_ROLES
    return frozenset()
