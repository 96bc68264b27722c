"""Who may take part in the collaboration around a request: case conferences (会商研判), coordination tasks given to
government units and institutions (资源协调 / 解难纾困), and the conversation between requester and provider.

Default deny. A conference is seen by the people invited to it, by whoever convened it and by the staff who handle
its request; nobody else, not even another participant of another conference on the same request. A coordination
task is worked on by the members of the organisation it is given to and by the staff who handle the request.
"""

import rules

from lawbridge.accounts.choices import SERVICE_POINT_ROLES, STAFF_ROLES, Role
from lawbridge.accounts.rules import has_any_role, is_active_user

from .rules import handles, is_requester


@rules.predicate
def is_assigned_provider(user, request) -> bool:
    """The provider the matter is assigned to (the expert's own account)."""
    if request is None or not user.is_authenticated or not request.assigned_expert_id:
        return False
    return request.assigned_expert.user_id == user.pk


@rules.predicate
def is_participant(user, conference) -> bool:
    """Invited to the conference and has not declined."""
    if conference is None or not user.is_authenticated:
        return False
    return conference.participants.filter(user=user).exclude(answer="declined").exists()


@rules.predicate
def is_invited(user, conference) -> bool:
    """Invited to the conference, whatever the answer (a liaison who declined may still read what was decided)."""
    if conference is None or not user.is_authenticated:
        return False
    return conference.participants.filter(user=user).exists()


@rules.predicate
def is_convener(user, conference) -> bool:
    return conference is not None and user.is_authenticated and conference.convened_by_id == user.pk


@rules.predicate
def handles_its_request(user, obj) -> bool:
    """Staff who handle the request a conference or a task belongs to."""
    return obj is not None and handles.test(user, obj.request)


@rules.predicate
def works_for_assignee(user, task) -> bool:
    if task is None or not user.is_authenticated:
        return False
    return user.memberships.filter(organisation_id=task.assignee_id, is_active=True).exists()


rules.add_perm("servicedesk.convene_conference", handles)
rules.add_perm("servicedesk.view_conference", is_active_user & (is_invited | is_convener | handles_its_request))
rules.add_perm("servicedesk.take_part", is_active_user & (is_participant | is_convener))
rules.add_perm("servicedesk.answer_invitation", is_active_user & is_invited)
rules.add_perm("servicedesk.decide_conference", is_active_user & (is_convener | handles_its_request))
rules.add_perm("servicedesk.assign_task", handles)
rules.add_perm("servicedesk.update_task", is_active_user & (works_for_assignee | handles_its_request))
rules.add_perm("servicedesk.cancel_task", is_active_user & handles_its_request)
rules.add_perm("servicedesk.post_message", is_active_user & (is_requester | is_assigned_provider | handles))

# The navigation shortcuts to one's conferences and tasks (the lists themselves show only one's own).
rules.add_perm("servicedesk.view_any_conference", is_active_user & has_any_role(*STAFF_ROLES))
rules.add_perm(
    "servicedesk.view_any_task",
    is_active_user
    & has_any_role(
        Role.GOVERNMENT_LIAISON,
        Role.JUDICIAL_LIAISON,
        Role.INSTITUTION_ADMIN,
        *SERVICE_POINT_ROLES,
        Role.PLATFORM_ADMIN,
    ),
)
