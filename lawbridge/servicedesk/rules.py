"""Who may do what at the service desk. Default deny.

A request is seen by its requester (and, for an enterprise's request, the enterprise's administrators), by the staff
of the service point that holds it (the center: every request), by providers it was offered or assigned to, by
platform admins and supervisors (read only). Staff of the holding point triage it, match it and send offers.
"""

import rules

from lawbridge.accounts.choices import Role
from lawbridge.accounts.rules import (
    is_active_user,
    is_center_staff,
    is_network_staff,
    is_platform_admin,
    is_supervisor,
)


@rules.predicate
def is_requester(user, request) -> bool:
    return request is not None and user.is_authenticated and request.requester_id == user.pk


@rules.predicate
def administers_requesting_enterprise(user, request) -> bool:
    if request is None or request.organisation_id is None or not user.is_authenticated:
        return False
    return user.memberships.filter(
        organisation_id=request.organisation_id, role=Role.ENTERPRISE_ADMIN, is_active=True
    ).exists()


@rules.predicate
def works_at_holding_point(user, request) -> bool:
    """Staff of the service point that holds the request (a sub-center, workstation or park station)."""
    if request is None or not user.is_authenticated:
        return False
    return user.memberships.filter(organisation_id=request.service_point_id, is_active=True).exists()


@rules.predicate
def serves_its_district(user, request) -> bool:
    """Sub-center staff of the request's district see what its workstations and park stations hold."""
    return bool(request is not None and request.district_code and request.district_code in user.service_districts)


@rules.predicate
def is_offered_or_assigned(user, request) -> bool:
    if request is None or not user.is_authenticated:
        return False
    if request.assigned_expert_id and request.assigned_expert.user_id == user.pk:
        return True
    return request.offers.filter(expert__user=user).exists()


@rules.predicate
def is_offered_expert(user, offer) -> bool:
    return offer is not None and user.is_authenticated and offer.expert.user_id == user.pk


@rules.predicate
def chooses_own_provider(user, request) -> bool:
    """A self-service request: its requester picks from the matched providers once staff accepted it."""
    return bool(request is not None and request.self_service and request.requester_id == user.pk)


handles = is_active_user & (
    is_platform_admin | is_center_staff | (is_network_staff & (works_at_holding_point | serves_its_district))
)

rules.add_perm("servicedesk.create_request", is_active_user)
rules.add_perm(
    "servicedesk.view_request",
    is_active_user
    & (is_requester | administers_requesting_enterprise | handles | is_offered_or_assigned | is_supervisor),
)
rules.add_perm("servicedesk.triage_request", handles)
rules.add_perm("servicedesk.match_request", handles | (is_active_user & chooses_own_provider))
rules.add_perm("servicedesk.view_queues", is_active_user & (is_platform_admin | is_network_staff | is_supervisor))
rules.add_perm("servicedesk.answer_information_request", is_active_user & is_requester)
rules.add_perm("servicedesk.withdraw_request", is_active_user & is_requester)
rules.add_perm("servicedesk.respond_offer", is_active_user & is_offered_expert)
# The center's daily dispatch assigns requests from every district.
rules.add_perm("servicedesk.dispatch", is_active_user & (is_platform_admin | is_center_staff))
