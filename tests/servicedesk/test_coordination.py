"""Coordination tasks: given to a government unit with a due date, updated and closed by its liaison, and shown to
the requester in plain words without the internal notes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.core.models import Notification
from lawbridge.servicedesk import coordination, services
from lawbridge.servicedesk.models import CoordinationTask
from lawbridge.servicedesk.services import IllegalTransition
from tests.factories import OrganisationFactory, make_user, service_point, signed_in

pytestmark = pytest.mark.django_db

INTERNAL = "Called the port authority; the officer wants the bill of lading (internal)."
PUBLIC = "The commerce bureau has contacted customs about your goods."


@pytest.fixture
def desk():
    center = service_point(ServicePointLevel.CENTER)
    sub = service_point(ServicePointLevel.SUBCENTER, district_code="330108", parent=center)
    requester = make_user(None)
    request = services.request_create(
        requester=requester,
        title="Goods seized by customs",
        description="Our shipment was seized.",
        need="customs_seizure",
        countries=["NL"],
        languages=["en"],
        district_code="330108",
    )
    bureau = OrganisationFactory(
        kind=OrganisationKind.GOVERNMENT, name="杭州市商务局", name_en="Commerce Bureau", uscc=""
    )
    return {
        "request": request,
        "requester": requester,
        "officer": make_user(Role.SUBCENTER_STAFF, organisation=sub),
        "bureau": bureau,
        "liaison": make_user(Role.GOVERNMENT_LIAISON, organisation=bureau),
        "stranger": make_user(Role.GOVERNMENT_LIAISON),
    }


def assign(d, **fields):
    values = {
        "title": "Ask customs about the release",
        "details": "Container MSKU 123; seizure notice attached to the request.",
        "due_on": timezone.localdate() + timedelta(days=5),
        "public_note": "",
    }
    values.update(fields)
    return coordination.task_assign(actor=d["officer"], request=d["request"], assignee=d["bureau"], **values)


def test_a_government_unit_updates_and_closes_its_task(desk):
    task = assign(desk)
    assert Notification.objects.filter(user=desk["liaison"], url=f"/desk/tasks/{task.pk}/").exists()
    assert not Notification.objects.filter(user=desk["requester"], url__endswith="#tasks").exists()

    task = coordination.task_update(
        actor=desk["liaison"], task=task, state="in_progress", note=INTERNAL, public_note=PUBLIC
    )
    assert task.state == CoordinationTask.State.IN_PROGRESS and task.closed_at is None
    told = Notification.objects.get(user=desk["requester"], url__endswith="#tasks")
    assert told.body == PUBLIC and "Being worked on" in told.title and INTERNAL not in told.body
    assert Notification.objects.filter(user=desk["officer"], body=INTERNAL).exists()  # the staff member who gave it

    task = coordination.task_update(actor=desk["liaison"], task=task, state="done", note="Released on 3 June.")
    assert task.state == CoordinationTask.State.DONE and task.closed_at is not None
    assert task.public_note == PUBLIC  # an empty public note keeps the last one
    assert [u.note for u in coordination.task_updates(task)] == [INTERNAL, "Released on 3 June."]
    with pytest.raises(IllegalTransition):
        coordination.task_update(actor=desk["liaison"], task=task, state="in_progress", note="Reopen")


def test_the_requester_sees_the_public_note_but_not_internal_notes(desk):
    task = assign(desk, public_note=PUBLIC)
    assert Notification.objects.filter(user=desk["requester"], body=PUBLIC).exists()
    coordination.task_update(actor=desk["liaison"], task=task, state="in_progress", note=INTERNAL)
    (seen,) = coordination.tasks_for_requester(desk["request"])
    assert (seen.title, seen.state, seen.public_note) == (task.title, "in_progress", PUBLIC)
    assert not hasattr(seen, "details") and not hasattr(seen, "assignee")
    html = render_to_string(
        "servicedesk/_tasks.html",
        {"tasks": [seen], "request": desk["request"], "can_assign": False, "requester_view": True},
    )
    assert PUBLIC in html and "Being worked on" in html
    assert INTERNAL not in html and "Container MSKU" not in html and "Commerce Bureau" not in html


def test_due_dates_in_the_past_and_wrong_assignees_are_refused(desk):
    with pytest.raises(ValidationError) as caught:
        assign(desk, due_on=timezone.localdate() - timedelta(days=1))
    assert "due_on" in caught.value.message_dict
    enterprise = OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
    with pytest.raises(ValidationError) as caught:
        coordination.task_assign(
            actor=desk["officer"], request=desk["request"], assignee=enterprise, title="x",
            due_on=timezone.localdate(),
        )  # fmt: skip
    assert "assignee" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        coordination.task_assign(
            actor=desk["liaison"], request=desk["request"], assignee=desk["bureau"], title="x",
            due_on=timezone.localdate(),
        )  # fmt: skip
    assert not CoordinationTask.objects.exists()


def test_only_the_unit_and_staff_work_on_a_task(desk):
    task = assign(desk)
    with pytest.raises(PermissionDenied):
        coordination.task_update(actor=desk["stranger"], task=task, state="in_progress", note="x")
    with pytest.raises(PermissionDenied):
        coordination.task_update(actor=desk["requester"], task=task, state="in_progress", note="x")
    with pytest.raises(PermissionDenied):  # the unit does not drop a task; staff cancel it
        coordination.task_update(actor=desk["liaison"], task=task, state="cancelled", note="Not ours")
    task = coordination.task_update(actor=desk["officer"], task=task, state="cancelled", note="Not needed")
    assert task.state == "cancelled" and task.closed_at is not None
    assert Notification.objects.filter(user=desk["liaison"], body="Not needed").exists()


def test_pages_of_tasks(desk):
    officer = signed_in(desk["officer"])
    url = f"/desk/requests/{desk['request'].number}/tasks/new/"
    assert officer.get(url).status_code == 200
    assert signed_in(desk["liaison"]).get(url).status_code == 404
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = officer.post(url, {"assignee": desk["bureau"].pk, "title": "Ask customs", "due_on": past})
    assert response.status_code == 400 and "already passed" in response.content.decode()
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = officer.post(url, {"assignee": desk["bureau"].pk, "title": "Ask customs", "due_on": due})
    assert response.status_code == 302
    task = CoordinationTask.objects.get()

    liaison = signed_in(desk["liaison"])
    assert "Ask customs" in liaison.get("/desk/tasks/").content.decode()
    page = liaison.get(f"/desk/tasks/{task.pk}/").content.decode()
    assert 'value="cancelled"' not in page and 'value="done"' in page
    response = liaison.post(f"/desk/tasks/{task.pk}/", {"state": "done", "note": "Done", "public_note": PUBLIC})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.closed_at and task.public_note == PUBLIC
    assert signed_in(desk["stranger"]).get(f"/desk/tasks/{task.pk}/").status_code == 404
    assert "Ask customs" not in signed_in(desk["stranger"]).get("/desk/tasks/").content.decode()
    assert signed_in(desk["requester"]).get(f"/desk/tasks/{task.pk}/").status_code == 404

    html = render_to_string(
        "servicedesk/_tasks.html",
        {"tasks": coordination.tasks_for(desk["officer"], desk["request"]), "request": desk["request"],
         "can_assign": True, "requester_view": False},
    )  # fmt: skip
    assert f"/desk/tasks/{task.pk}/" in html and "/tasks/new/" in html
