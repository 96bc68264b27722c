"""The accounts API: authentication, /me, organisations and members, the error format, the schema."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lawbridge.accounts.choices import OrganisationKind, Role
from lawbridge.accounts.models import ApiToken, Membership
from lawbridge.accounts.services import api_token_create, api_token_revoke
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def member(db):
    return make_user(Role.ENTERPRISE_MEMBER, full_name="Ada Member")


def signed_in(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


# --- /me and authentication --------------------------------------------------------------------


def test_me_needs_authentication(client):
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Bearer lbt_unknown-token-value",
        "Bearer lbt_" + "x" * 200,
        "Basic dXNlcjpwYXNz",
        "Token lbt_abc",
    ],
)
def test_me_with_a_malformed_or_unknown_token(client, header):
    assert_error(client.get("/api/v1/me", HTTP_AUTHORIZATION=header), 401, "invalid_token")


def test_me_with_a_revoked_token(client, member):
    token, raw = api_token_create(user=member, name="ERP")
    api_token_revoke(user=member, token_id=token.pk)
    assert_error(client.get("/api/v1/me", **bearer(raw)), 401, "invalid_token")


def test_me_with_an_expired_token(client, member):
    token, raw = api_token_create(user=member, name="ERP", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(client.get("/api/v1/me", **bearer(raw)), 401, "invalid_token")


def test_me_with_the_token_of_a_deactivated_user(client, member):
    _token, raw = api_token_create(user=member, name="ERP")
    member.is_active = False
    member.save()
    assert_error(client.get("/api/v1/me", **bearer(raw)), 401, "invalid_token")


def test_me_with_a_valid_token(client, member):
    token, raw = api_token_create(user=member, name="ERP")
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    organisation = member.memberships.get().organisation
    # The organisation's name is in the request's language (see the language test below).
    assert body["memberships"][0].pop("organisation_name") in {organisation.name, organisation.name_en}
    assert body == {
        "id": member.pk,
        "email": member.email,
        "full_name": "Ada Member",
        "name_latin": "",
        "nationality": "",
        "language": "en",
        "account_type": member.account_type,
        "roles": ["enterprise_member"],
        "two_factor_required": False,
        "memberships": [{"organisation": organisation.slug, "role": "enterprise_member"}],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_me_lists_every_role_sorted_and_says_staff_need_two_factor(client):
    lawyer = make_user(Role.LAWYER)
    Membership.objects.create(
        user=lawyer, organisation=OrganisationFactory(kind=OrganisationKind.ENTERPRISE), role=Role.ENTERPRISE_MEMBER
    )
    _token, raw = api_token_create(user=lawyer, name="CLI")
    body = client.get("/api/v1/me", **bearer(raw)).json()
    assert body["roles"] == ["enterprise_member", "lawyer"]
    assert body["two_factor_required"] is True
    assert len(body["memberships"]) == 2


def test_token_and_session_answers_are_in_the_users_language(client, member):
    organisation = member.memberships.get().organisation
    by_session = signed_in(member).get("/api/v1/me").json()
    assert by_session["memberships"][0]["organisation_name"] == organisation.name_en  # member.language == "en"
    _token, raw = api_token_create(user=member, name="ERP")
    by_token = client.get("/api/v1/me", **bearer(raw)).json()
    assert by_token["memberships"][0]["organisation_name"] == organisation.name_en


def test_me_with_a_session(member):
    response = signed_in(member).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == member.email


def test_a_bad_token_does_not_spoil_a_good_session(member):
    response = signed_in(member).get("/api/v1/me", **bearer("lbt_wrong"))
    assert response.status_code == 200
    assert response.json()["email"] == member.email


def test_staff_without_two_factor_are_refused_over_a_session():
    lawyer = make_user(Role.LAWYER, totp=False)
    assert_error(signed_in(lawyer).get("/api/v1/me"), 403, "two_factor_required")
    assert_error(signed_in(lawyer).get("/api/v1/organisations"), 403, "two_factor_required")


def test_staff_with_two_factor_pass_over_a_session():
    lawyer = make_user(Role.LAWYER)
    assert signed_in(lawyer).get("/api/v1/me").status_code == 200


def test_enterprise_people_need_no_two_factor(member):
    assert signed_in(member).get("/api/v1/me").json()["two_factor_required"] is False


# --- organisations -----------------------------------------------------------------------------


def test_organisation_list_pagination_shape(client, member):
    _token, raw = api_token_create(user=member, name="ERP")
    response = client.get("/api/v1/organisations", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    [item] = body["items"]
    organisation = member.memberships.get().organisation
    assert item["slug"] == organisation.slug
    assert set(item) == {
        "slug", "kind", "name", "name_en", "uscc", "country", "district_code",
        "service_point_level", "parent", "is_verified", "created_at",
    }  # fmt: skip
    assert item["country"] == "CN"
    assert item["parent"] is None


def test_a_member_sees_only_its_own_organisations(member):
    OrganisationFactory.create_batch(3)
    body = signed_in(member).get("/api/v1/organisations").json()
    assert body["count"] == 1
    assert [o["slug"] for o in body["items"]] == [member.memberships.get().organisation.slug]


def test_center_staff_see_every_organisation_with_parents():
    staff = make_user(Role.CENTER_STAFF)
    center = staff.memberships.get().organisation
    child = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, parent=center)
    OrganisationFactory.create_batch(3)
    body = signed_in(staff).get("/api/v1/organisations").json()
    assert body["count"] == 5
    parents = {o["slug"]: o["parent"] for o in body["items"]}
    assert parents[child.slug] == center.slug


def test_organisation_list_pages_and_filters():
    staff = make_user(Role.SUPERVISOR)
    OrganisationFactory.create_batch(4, kind=OrganisationKind.JUDICIAL)
    c = signed_in(staff)
    page = c.get("/api/v1/organisations", {"page": 2, "page_size": 2, "kind": "judicial"}).json()
    assert page["count"] == 4
    assert len(page["items"]) == 2
    assert all(o["kind"] == "judicial" for o in page["items"])
    beyond = c.get("/api/v1/organisations", {"page": 99, "kind": "judicial"}).json()
    assert beyond == {"items": [], "count": 4}
    target = OrganisationFactory(name_en="Zhejiang Tea Export")
    found = c.get("/api/v1/organisations", {"q": "tea export"}).json()
    assert [o["slug"] for o in found["items"]] == [target.slug]


def test_anonymous_cannot_list_organisations(client):
    assert_error(client.get("/api/v1/organisations"), 401, "not_authenticated")


def test_organisation_detail_own(member):
    organisation = member.memberships.get().organisation
    response = signed_in(member).get(f"/api/v1/organisations/{organisation.slug}")
    assert response.status_code == 200
    assert response.json()["slug"] == organisation.slug


def test_organisation_detail_of_another_organisation_is_refused(member):
    other = OrganisationFactory()
    assert_error(signed_in(member).get(f"/api/v1/organisations/{other.slug}"), 403, "permission_denied")


def test_organisation_detail_of_another_organisation_for_staff():
    other = OrganisationFactory()
    response = signed_in(make_user(Role.GOVERNMENT_LIAISON)).get(f"/api/v1/organisations/{other.slug}")
    assert response.status_code == 200


def test_organisation_detail_unknown_slug(member):
    assert_error(signed_in(member).get("/api/v1/organisations/no-such-org"), 404, "not_found")


def test_members_of_own_organisation(member):
    organisation = member.memberships.get().organisation
    colleague = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation, full_name="Bo Admin")
    response = signed_in(member).get(f"/api/v1/organisations/{organisation.slug}/members")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {(m["email"], m["full_name"], m["role"]) for m in body["items"]} == {
        (member.email, "Ada Member", "enterprise_member"),
        (colleague.email, "Bo Admin", "enterprise_admin"),
    }


def test_members_of_another_organisation_are_refused(member):
    other = make_user(Role.ENTERPRISE_MEMBER).memberships.get().organisation
    assert_error(signed_in(member).get(f"/api/v1/organisations/{other.slug}/members"), 403, "permission_denied")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.CENTER_STAFF, True), (Role.WORKSTATION_STAFF, False), (Role.PLATFORM_ADMIN, True),
     (Role.SUPERVISOR, False), (Role.GOVERNMENT_LIAISON, False), (Role.LAWYER, False)],
)  # fmt: skip
def test_members_of_another_organisation_for_staff(role, allowed):
    other = make_user(Role.ENTERPRISE_MEMBER).memberships.get().organisation
    response = signed_in(make_user(role)).get(f"/api/v1/organisations/{other.slug}/members")
    if allowed:
        assert response.status_code == 200
        assert response.json()["count"] == 1
    else:
        assert_error(response, 403, "permission_denied")


def test_members_of_an_unknown_organisation(member):
    assert_error(signed_in(member).get("/api/v1/organisations/nope/members"), 404, "not_found")


# --- invalid input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/organisations?page=abc", "page"),
        ("/api/v1/organisations?page=0", "page"),
        ("/api/v1/organisations?page=-1", "page"),
        ("/api/v1/organisations?page_size=abc", "page_size"),
        ("/api/v1/organisations?page_size=0", "page_size"),
        ("/api/v1/organisations/x/members?page=abc", "page"),
    ],
)
def test_invalid_query_parameters_are_422_with_fields(member, url, field):
    error = assert_error(signed_in(member).get(url), 422, "invalid_input")
    assert field in error["fields"]
    assert all(isinstance(m, str) for m in error["fields"][field])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations?page=99999999999999999999",
        "/api/v1/organisations?page=9223372036854775807",
        "/api/v1/notifications?page=9223372036854775807",
        "/api/v1/organisations?page=1000000",
        "/api/v1/organisations?page_size=99999999999999999999",
        "/api/v1/organisations?q=" + "x" * 5000,
        "/api/v1/organisations?kind=%00",
        "/api/v1/organisations/%E4%B8%AD%E6%96%87",
    ],
)
def test_odd_query_parameters_never_give_a_server_error(member, url):
    response = signed_in(member).get(url)
    assert response.status_code < 500, response.content
    assert response.status_code in (200, 400, 404, 422)


# --- CSRF, schema, docs ------------------------------------------------------------------------


def test_a_wrong_method_is_refused(member):
    assert signed_in(member).post("/api/v1/me").status_code == 405


def test_a_wrong_method_answers_in_the_error_format(member):
    assert_error(signed_in(member).post("/api/v1/me"), 405, "method_not_allowed")


def test_an_unknown_api_path_answers_in_the_error_format(member):
    assert_error(signed_in(member).get("/api/v1/no-such-endpoint"), 404, "not_found")


def test_openapi_schema_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me" in paths
    assert "/api/v1/organisations/{slug}/members" in paths
    assert "/api/v1/notifications/{notification_id}/read" in paths


def test_docs_page(client):
    assert client.get("/api/v1/docs").status_code == 200


def test_a_token_of_staff_without_a_second_factor_is_refused():
    from lawbridge.accounts.services import api_token_create

    lawyer = make_user(Role.LAWYER, totp=False)
    _token, raw = api_token_create(user=lawyer, name="old script")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"
