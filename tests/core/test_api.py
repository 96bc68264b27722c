"""The notifications API: list, unread filter, mark read, mark all read; CSRF and ownership."""

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from lawbridge.accounts.choices import Role
from lawbridge.accounts.services import api_token_create
from lawbridge.core.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def signed_in(user, **kwargs) -> Client:
    c = Client(raise_request_exception=False, **kwargs)
    c.force_login(user)
    return c


def notify(user, title: str = "Hello", *, read: bool = False) -> Notification:
    return Notification.objects.create(
        user=user, kind="core.announcement", title=title, url="/dashboard/", read_at=timezone.now() if read else None
    )


@pytest.fixture
def user(db):
    return make_user(Role.ENTERPRISE_MEMBER)


@pytest.fixture
def stranger(db):
    return make_user(Role.ENTERPRISE_MEMBER)


def test_list_needs_authentication():
    assert_error(Client().get("/api/v1/notifications"), 401, "not_authenticated")


def test_list_shows_only_my_notifications_newest_first(user, stranger):
    first, second = notify(user, "First"), notify(user, "Second", read=True)
    notify(stranger, "Not yours")
    response = signed_in(user).get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [n["id"] for n in body["items"]] == [second.pk, first.pk]
    item = body["items"][1]
    assert set(item) == {"id", "kind", "title", "body", "url", "created_at", "read_at"}
    assert item["title"] == "First"
    assert (item["kind"], item["url"], item["read_at"]) == ("core.announcement", "/dashboard/", None)


@pytest.mark.parametrize("value", ["true", "1", "yes", "on"])
def test_unread_filter(user, value):
    unread = notify(user, "Unread")
    notify(user, "Read", read=True)
    body = signed_in(user).get("/api/v1/notifications", {"unread": value}).json()
    assert body["count"] == 1
    assert [n["id"] for n in body["items"]] == [unread.pk]


def test_unread_false_lists_everything(user):
    notify(user)
    notify(user, read=True)
    assert signed_in(user).get("/api/v1/notifications", {"unread": "false"}).json()["count"] == 2


def test_list_with_a_token(user):
    notify(user)
    _token, raw = api_token_create(user=user, name="ERP")  # also puts a notification in the inbox
    response = Client().get("/api/v1/notifications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_pagination(user):
    for i in range(5):
        notify(user, f"N{i}")
    c = signed_in(user)
    page = c.get("/api/v1/notifications", {"page": 2, "page_size": 2}).json()
    assert page["count"] == 5
    assert [n["title"] for n in page["items"]] == ["N2", "N1"]
    assert c.get("/api/v1/notifications", {"page": 9}).json() == {"items": [], "count": 5}


def test_mark_read(user):
    n = notify(user)
    response = signed_in(user).post(f"/api/v1/notifications/{n.pk}/read")
    assert response.status_code == 200
    assert response.json()["id"] == n.pk
    assert response.json()["read_at"] is not None
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_twice_keeps_the_first_time(user):
    n = notify(user, read=True)
    before = n.read_at
    assert signed_in(user).post(f"/api/v1/notifications/{n.pk}/read").status_code == 200
    n.refresh_from_db()
    assert n.read_at == before


def test_cannot_mark_someone_elses_notification_read(user, stranger):
    theirs = notify(stranger)
    assert_error(signed_in(user).post(f"/api/v1/notifications/{theirs.pk}/read"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_platform_admin_cannot_mark_someone_elses_notification_read(stranger):
    theirs = notify(stranger)
    admin = make_user(Role.PLATFORM_ADMIN)
    assert_error(signed_in(admin).post(f"/api/v1/notifications/{theirs.pk}/read"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_of_an_unknown_notification(user):
    assert_error(signed_in(user).post("/api/v1/notifications/999999/read"), 404, "not_found")
    assert_error(signed_in(user).post("/api/v1/notifications/99999999999999999999/read"), 404, "not_found")


def test_mark_read_with_a_bad_id_is_422(user):
    error = assert_error(signed_in(user).post("/api/v1/notifications/abc/read"), 422, "invalid_input")
    assert "notification_id" in error["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"unread": "maybe"}, "unread"), ({"page": "abc"}, "page"), ({"page_size": "x"}, "page_size")],
)
def test_invalid_query_parameters_are_422_with_fields(user, query, field):
    error = assert_error(signed_in(user).get("/api/v1/notifications", query), 422, "invalid_input")
    assert field in error["fields"]


def test_read_all_marks_only_mine(user, stranger):
    mine = [notify(user), notify(user), notify(user, read=True)]
    theirs = notify(stranger)
    response = signed_in(user).post("/api/v1/notifications/read-all")
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert signed_in(user).post("/api/v1/notifications/read-all").json() == {"marked": 0}


def test_read_all_needs_authentication():
    assert_error(Client().post("/api/v1/notifications/read-all"), 401, "not_authenticated")


# --- CSRF --------------------------------------------------------------------------------------


def test_a_session_post_without_csrf_token_is_refused(user):
    n = notify(user)
    c = signed_in(user, enforce_csrf_checks=True)
    response = c.post(f"/api/v1/notifications/{n.pk}/read")
    assert_error(response, 403, "permission_denied")
    response = c.post("/api/v1/notifications/read-all")
    assert_error(response, 403, "permission_denied")
    n.refresh_from_db()
    assert n.read_at is None


def test_a_session_post_with_the_csrf_token_is_accepted(user):
    n = notify(user)
    c = signed_in(user, enforce_csrf_checks=True)
    token = get_token(RequestFactory().get("/"))
    c.cookies["csrftoken"] = token
    response = c.post(f"/api/v1/notifications/{n.pk}/read", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_token_post_needs_no_csrf_token(user):
    n = notify(user)
    _token, raw = api_token_create(user=user, name="ERP")
    c = Client(enforce_csrf_checks=True)
    response = c.post(f"/api/v1/notifications/{n.pk}/read", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    n.refresh_from_db()
    assert n.read_at is not None


# --- two-factor --------------------------------------------------------------------------------


def test_staff_without_two_factor_cannot_use_the_inbox_over_a_session():
    staff = make_user(Role.CENTER_STAFF, totp=False)
    n = notify(staff)
    c = signed_in(staff)
    assert_error(c.get("/api/v1/notifications"), 403, "two_factor_required")
    assert_error(c.post(f"/api/v1/notifications/{n.pk}/read"), 403, "two_factor_required")
    n.refresh_from_db()
    assert n.read_at is None
