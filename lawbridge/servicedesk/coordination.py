"""Coordination tasks (资源协调 / 解难纾困): staff give follow-up work on a request to a government unit, a legal
service institution or a judicial body, with a due date. The unit's members update and close it; the requester
sees its progress in plain words (the task's title, state, due date and public note — never the internal notes).

Writes (``task_assign``, ``task_update``) and reads (``tasks_for``, ``tasks_for_requester``, ``my_tasks``) live
here together; access is decided by the rules in ``rules_collab``.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawbridge.accounts.choices import OrganisationKind
from lawbridge.core.audit import audit_event
from lawbridge.core.services import notification_send, require_perm

from .models import CoordinationTask, ServiceRequest, TaskUpdate
from .services import IllegalTransition

NOTIFICATION_KIND = "servicedesk.request"
ASSIGNEE_KINDS = (OrganisationKind.GOVERNMENT, OrganisationKind.INSTITUTION, OrganisationKind.JUDICIAL)
State = CoordinationTask.State
CLOSED_STATES = (State.DONE, State.CANCELLED)
# Where a task may go from each state; closed tasks stay closed.
NEXT_STATES = {
    State.OPEN: (State.OPEN, State.IN_PROGRESS, State.DONE, State.CANCELLED),
    State.IN_PROGRESS: (State.IN_PROGRESS, State.DONE, State.CANCELLED),
}
# What each state means to the person who filed the request.
PLAIN_STATE = {
    State.OPEN: gettext_lazy("Handed over; waiting to be taken up."),
    State.IN_PROGRESS: gettext_lazy("Being worked on."),
    State.DONE: gettext_lazy("Done."),
    State.CANCELLED: gettext_lazy("No longer needed."),
}


_require = require_perm  # one rule check for every service: actor None is the platform itself


def task_url(task: CoordinationTask) -> str:
    return reverse("servicedesk:task", args=[task.pk])


def _request_url(request: ServiceRequest) -> str:
    return reverse("servicedesk:request", args=[request.number]) + "#tasks"


def _assignee_members(task: CoordinationTask):
    from lawbridge.accounts.models import User

    return User.objects.filter(
        memberships__organisation_id=task.assignee_id, memberships__is_active=True, is_active=True
    ).distinct()


def _notify(users, title_fn, url: str, body_fn=lambda: "") -> None:
    for user in users:
        with translation.override(user.language):
            notification_send(user=user, kind=NOTIFICATION_KIND, title=str(title_fn()), body=str(body_fn()), url=url)


def _notify_requester(task: CoordinationTask) -> None:
    request = task.request
    _notify(
        [request.requester],
        lambda: (
            _("%(number)s: %(task)s — %(progress)s")
            % {"number": request.number, "task": task.title, "progress": PLAIN_STATE[State(task.state)]}
        ),
        _request_url(request),
        lambda: task.public_note,
    )


# -- writes ------------------------------------------------------------------------------------------------


@transaction.atomic
def task_assign(
    *,
    actor,
    request: ServiceRequest,
    assignee,
    title: str,
    due_on: date,
    details: str = "",
    public_note: str = "",
) -> CoordinationTask:
    """Give follow-up work on ``request`` to ``assignee`` (a government unit, an institution or a judicial body).
    Its members are told; the requester is told too when there is a ``public_note`` for them."""
    _require(actor, "servicedesk.assign_task", request)
    errors = {}
    if not request.is_open:
        errors["__all__"] = _("The request is %(status)s; follow-up work goes on open requests.") % {
            "status": request.get_status_display()
        }
    if assignee is None or assignee.kind not in ASSIGNEE_KINDS:
        errors["assignee"] = _("Give the task to a government unit, an institution or a judicial body.")
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Say what is to be done.")
    if not isinstance(due_on, date):
        errors["due_on"] = _("Give the due date.")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("The due date has already passed.")
    if errors:
        raise ValidationError(errors)
    task = CoordinationTask(
        request=request,
        assignee=assignee,
        title=title,
        details=(details or "").strip(),
        due_on=due_on,
        public_note=(public_note or "").strip(),
        created_by=actor,
    )
    task.full_clean()
    task.save()
    audit_event(
        obj=task,
        event="servicedesk.task.assigned",
        actor=actor,
        payload={"number": request.number, "assignee": str(assignee), "due_on": due_on.isoformat()},
    )
    _notify(
        _assignee_members(task),
        lambda: (
            _("Follow-up work for you on %(number)s: %(title)s, due %(due)s")
            % {"number": request.number, "title": task.title, "due": task.due_on.isoformat()}
        ),
        task_url(task),
        lambda: task.details,
    )
    if task.public_note:
        _notify_requester(task)
    return task


@transaction.atomic
def task_update(*, actor, task: CoordinationTask, state: str, note: str, public_note: str = "") -> CoordinationTask:
    """Report progress: a new ``state`` and an internal ``note`` (for staff and the unit). A non-empty
    ``public_note`` replaces what the requester reads. Done and cancelled tasks are closed for good; only staff
    who handle the request cancel."""
    _require(actor, "servicedesk.update_task", task)
    task = CoordinationTask.objects.select_for_update().select_related("request__requester").get(pk=task.pk)
    if task.state in CLOSED_STATES:
        raise IllegalTransition(
            _("This task is %(state)s; it cannot be changed any more.") % {"state": task.get_state_display()}
        )
    if state not in NEXT_STATES[State(task.state)]:
        raise ValidationError({"state": _("A task cannot go back to this state.")})
    if state == State.CANCELLED:
        _require(actor, "servicedesk.cancel_task", task)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    public_note = (public_note or "").strip()
    before_state, before_note = task.state, task.public_note
    task.state = state
    if public_note:
        task.public_note = public_note
    if state in CLOSED_STATES:
        task.closed_at = timezone.now()
    task.save(update_fields=["state", "public_note", "closed_at"])
    TaskUpdate.objects.create(task=task, author=actor, state=state, note=note)
    changes = {"state": [before_state, state]} if state != before_state else None
    audit_event(obj=task, event="servicedesk.task.updated", actor=actor, changes=changes)
    # The other side hears about it: the unit when staff write, the staff member who gave the task otherwise.
    if actor is not None and actor.memberships.filter(organisation_id=task.assignee_id, is_active=True).exists():
        others = [task.created_by] if task.created_by.is_active and task.created_by_id != actor.pk else []
    else:
        others = [u for u in _assignee_members(task) if u.pk != getattr(actor, "pk", None)]
    _notify(
        others,
        lambda: (
            _("%(number)s: %(title)s — %(state)s")
            % {"number": task.request.number, "title": task.title, "state": task.get_state_display()}
        ),
        task_url(task),
        lambda: note,
    )
    if state != before_state or task.public_note != before_note:
        _notify_requester(task)
    return task


# -- reads -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequesterTask:
    """What the requester may know about a task: no unit, no details, no internal notes."""

    title: str
    state: str
    state_label: str
    plain: str
    due_on: date
    public_note: str
    closed_at: object


def tasks_for_requester(request: ServiceRequest) -> list[RequesterTask]:
    return [
        RequesterTask(
            title=task.title,
            state=task.state,
            state_label=str(task.get_state_display()),
            plain=str(PLAIN_STATE[State(task.state)]),
            due_on=task.due_on,
            public_note=task.public_note,
            closed_at=task.closed_at,
        )
        for task in request.tasks.only("title", "state", "due_on", "public_note", "closed_at", "request_id")
    ]


def tasks_for(user, request: ServiceRequest) -> QuerySet[CoordinationTask]:
    """Every task on ``request`` for staff who handle it; for a unit's members, the tasks given to their units."""
    tasks = request.tasks.select_related("assignee", "created_by")
    if not (user.is_authenticated and user.is_active):
        return tasks.none()
    if user.has_perm("servicedesk.assign_task", request):
        return tasks
    return tasks.filter(assignee__memberships__user=user, assignee__memberships__is_active=True).distinct()


def my_tasks(user, *, open_only: bool = True) -> QuerySet[CoordinationTask]:
    """Tasks given to the organisations ``user`` belongs to, the soonest due first."""
    if not (user.is_authenticated and user.is_active):
        return CoordinationTask.objects.none()
    tasks = CoordinationTask.objects.filter(
        assignee__memberships__user=user, assignee__memberships__is_active=True
    ).distinct()
    if open_only:
        tasks = tasks.exclude(state__in=CLOSED_STATES)
    return tasks.select_related("request", "assignee").order_by("due_on", "id")


def task_get(user, task_id: int) -> CoordinationTask:
    task = (
        CoordinationTask.objects.select_related("request__requester", "assignee", "created_by")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not user.has_perm("servicedesk.update_task", task):
        raise Http404
    return task


def task_updates(task: CoordinationTask) -> QuerySet[TaskUpdate]:
    return task.updates.select_related("author")


def assignee_choices():
    """Organisations a task can be given to."""
    from lawbridge.accounts.models import Organisation

    return Organisation.objects.filter(kind__in=ASSIGNEE_KINDS).order_by("kind", "name")
