"""The network API: the expert directory with facets and errors, details with private fields by permission,
institutions, service points, the bilingual lists, and the schema."""

from decimal import Decimal

import pytest
from django.test import Client

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.services import api_token_create
from lawbridge.network import services
from lawbridge.network.choices import ReviewStatus
from tests.factories import OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.django_db

EXPERTS = "/api/v1/network/experts"


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def facet(body, name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in next(f for f in body["facets"] if f["name"] == name)["values"]}


# --- the expert directory -----------------------------------------------------------------------------------


@pytest.fixture
def pool(db):
    return {
        "zhang": make_expert(name="张伟", name_latin="Zhang Wei", languages=[("ja", "fluent")], jurisdictions=["JP"]),
        "li": make_expert(name="李娜", name_latin="Li Na", languages=[("de", "fluent")], jurisdictions=["DE"]),
        "wu": make_expert(
            kind="arbitrator", name="吴敏", name_latin="Wu Min", languages=[("en", "fluent")], jurisdictions=["US"]
        ),
        "draft": make_expert(name="草稿", status=ReviewStatus.DRAFT, languages=[("ja", "fluent")]),
    }


def names(body) -> set[str]:
    return {item["name"] for item in body["items"]}


def test_the_directory_lists_verified_experts_with_facets(client, pool):
    response = client.get(EXPERTS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1 and body["page_size"] == 20
    assert names(body) == {"张伟", "李娜", "吴敏"}
    assert facet(body, "language") == {"ja": 1, "de": 1, "en": 1}
    assert facet(body, "kind") == {"lawyer": 2, "arbitrator": 1}
    assert [f["name"] for f in body["facets"]] == [
        "kind", "practice_area", "jurisdiction", "language", "industry", "district", "city"
    ]  # fmt: skip


def test_several_values_of_a_facet_are_alternatives(client, pool):
    body = client.get(EXPERTS, {"language": ["ja", "de"]}).json()
    assert names(body) == {"张伟", "李娜"}
    selected = {v["value"] for f in body["facets"] if f["name"] == "language" for v in f["values"] if v["selected"]}
    assert selected == {"ja", "de"}
    assert facet(body, "language") == {"ja": 1, "de": 1, "en": 1}  # its own filter does not narrow it
    assert facet(body, "kind") == {"lawyer": 2}
    body = client.get(EXPERTS, {"language": ["ja", "de", "en"], "kind": "arbitrator"}).json()
    assert names(body) == {"吴敏"}


@pytest.mark.parametrize(("q", "found"), [("zhangwei", {"张伟"}), ("李娜", {"李娜"}), ("wu min", {"吴敏"})])
def test_free_text(client, pool, q, found):
    assert names(client.get(EXPERTS, {"q": q}).json()) == found


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"q": "<script>alert(1)</script>"}, "invalid_query", "q"),
        ({"q": "a" * 200}, "query_too_long", "q"),
        ({"page_size": 1000}, "page_size_too_large", "page_size"),
        ({"page": 20000}, "invalid_page", "page"),
        ({"language": "j a"}, "invalid_filter", "language"),
        ({"order": "random"}, "invalid_order", "order"),
    ],
)
def test_directory_errors_are_a_400_with_a_code(client, pool, params, code, field):
    error = assert_error(client.get(EXPERTS, params), 400, code)
    assert field in error["fields"]


def test_an_unknown_facet_is_a_400(client, pool):
    assert_error(client.get(EXPERTS, {"colour": "red"}), 400, "unknown_facet")


def test_page_zero_is_a_400(client, pool):
    assert_error(client.get(EXPERTS, {"page": 0}), 400, "invalid_page")


def test_a_page_that_is_not_a_number_is_refused(client, pool):
    assert_error(client.get(EXPERTS, {"page": "two"}), 422, "invalid_input")


def test_unknown_facet_values_give_no_results(client, pool):
    body = client.get(EXPERTS, {"kind": "wizard"}).json()
    assert body["count"] == 0 and body["items"] == []


def test_staff_see_drafts_in_the_directory(client, pool):
    body = client.get(EXPERTS, **bearer(make_user(Role.CENTER_STAFF))).json()
    assert "草稿" in names(body)


# --- one expert ---------------------------------------------------------------------------------------------


@pytest.fixture
def expert(db):
    expert = make_expert(phone="+86 571 1234 5678", email="chen@example.org", max_matters=6)
    services.expert_outcomes_record(expert=expert, open_matters=2)
    return expert


def test_anonymous_detail_has_null_private_fields(client, expert):
    response = client.get(f"{EXPERTS}/{expert.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == expert.name
    assert body["url"] == f"/network/experts/{expert.public_id}/"
    assert (body["phone"], body["email"], body["open_matters"], body["max_matters"]) == (None, None, None, None)
    assert [c["number"] for c in body["credentials"]] == [None]
    assert body["credentials"][0]["kind"] == "practising_licence"


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.SUPERVISOR, Role.PLATFORM_ADMIN])
def test_staff_with_a_token_get_the_private_fields(client, expert, role):
    body = client.get(f"{EXPERTS}/{expert.public_id}", **bearer(make_user(role))).json()
    assert body["phone"] == "+86 571 1234 5678"
    assert body["email"] == "chen@example.org"
    assert (body["open_matters"], body["max_matters"]) == (2, 6)
    assert [c["number"] for c in body["credentials"]] == [expert.credentials.get().number]


def test_a_signed_in_session_works_too(expert):
    c = Client()
    c.force_login(make_user(Role.SUBCENTER_STAFF))
    assert c.get(f"{EXPERTS}/{expert.public_id}").json()["phone"] == "+86 571 1234 5678"


def test_enterprise_users_do_not_get_private_fields(client, expert):
    body = client.get(f"{EXPERTS}/{expert.public_id}", **bearer(make_user(Role.ENTERPRISE_ADMIN))).json()
    assert body["phone"] is None


@pytest.mark.parametrize("status", [ReviewStatus.DRAFT, ReviewStatus.PENDING, ReviewStatus.REJECTED])
def test_an_unpublished_expert_is_a_404_for_anonymous_and_200_for_staff(client, status):
    expert = make_expert(status=status, phone="+86 1")
    assert_error(client.get(f"{EXPERTS}/{expert.public_id}"), 404, "not_found")
    assert_error(client.get(f"{EXPERTS}/{expert.public_id}", **bearer(make_user(None))), 404, "not_found")
    response = client.get(f"{EXPERTS}/{expert.public_id}", **bearer(make_user(Role.CENTER_STAFF)))
    assert response.status_code == 200
    assert response.json()["status"] == status
    assert response.json()["phone"] == "+86 1"


def test_an_unknown_expert_is_a_404(client):
    assert_error(client.get(f"{EXPERTS}/00000000-0000-0000-0000-000000000000"), 404, "not_found")
    assert_error(client.get(f"{EXPERTS}/not-a-uuid"), 404, "not_found")


def test_labels_follow_the_token_users_language(client, expert):
    body = client.get(f"{EXPERTS}/{expert.public_id}", **bearer(make_user(None, language="zh-hans"))).json()
    assert body["kind_label"] == "律师"
    assert body["practice_areas"] == [{"code": "international-contracts", "name": "国际商事合同"}]
    assert body["district"] == {"code": "330108", "name": "滨江区"}
    body = client.get(f"{EXPERTS}/{expert.public_id}", **bearer(make_user(None, language="en"))).json()
    assert body["kind_label"] == "Lawyer"
    assert body["district"]["name"] == "Binjiang District"


# --- tokens on public endpoints -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        EXPERTS,
        "/api/v1/network/institutions",
        "/api/v1/network/service-points",
        "/api/v1/network/taxonomies/practice_area",
    ],
)
@pytest.mark.parametrize("header", ["Bearer lbt_not-a-real-token", "Bearer", "Basic dXNlcjpwYXNz"])
def test_an_invalid_token_is_a_401_even_on_public_endpoints(client, url, header):
    assert client.get(url).status_code == 200
    assert_error(client.get(url, HTTP_AUTHORIZATION=header), 401, "invalid_token")


def test_a_revoked_token_is_a_401(client, expert):
    from lawbridge.accounts.services import api_token_revoke

    user = make_user(None)
    token, raw = api_token_create(user=user, name="old")
    api_token_revoke(user=user, token_id=token.pk)
    assert_error(client.get(EXPERTS, HTTP_AUTHORIZATION=f"Bearer {raw}"), 401, "invalid_token")


# --- institutions -------------------------------------------------------------------------------------------


def test_institutions_directory_and_detail(client):
    verified = make_institution(
        name="钱江律所", name_en="Qianjiang Law", languages=["ja"], jurisdictions=["JP"], phone="0571-1"
    )
    pending = make_institution(status=ReviewStatus.PENDING)
    body = client.get("/api/v1/network/institutions").json()
    assert [i["slug"] for i in body["items"]] == [verified.organisation.slug]
    assert body["count"] == 1
    assert facet(body, "language") == {"ja": 1}
    body = client.get("/api/v1/network/institutions", {"q": "qianjiang", "language": "ja"}).json()
    assert body["count"] == 1
    assert client.get("/api/v1/network/institutions", {"language": "de"}).json()["count"] == 0
    assert_error(client.get("/api/v1/network/institutions", {"q": "<b>"}), 400, "invalid_query")
    assert_error(client.get("/api/v1/network/institutions", {"page_size": 500}), 400, "page_size_too_large")

    detail = client.get(f"/api/v1/network/institutions/{verified.organisation.slug}").json()
    assert detail["name_en"] == "Qianjiang Law"
    assert (detail["licence_number"], detail["phone"]) == (None, None)
    staff = bearer(make_user(Role.CENTER_STAFF))
    detail = client.get(f"/api/v1/network/institutions/{verified.organisation.slug}", **staff).json()
    assert detail["licence_number"] == verified.licence_number and detail["phone"] == "0571-1"

    assert_error(client.get(f"/api/v1/network/institutions/{pending.organisation.slug}"), 404, "not_found")
    assert client.get(f"/api/v1/network/institutions/{pending.organisation.slug}", **staff).status_code == 200
    assert_error(client.get("/api/v1/network/institutions/no-such-slug"), 404, "not_found")


# --- service points -----------------------------------------------------------------------------------------


def test_service_points(client):
    center = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, name="中心", name_en="Center", service_point_level=ServicePointLevel.CENTER
    )
    binjiang = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        name="滨江分中心",
        name_en="Binjiang Sub-center",
        district_code="330108",
        service_point_level=ServicePointLevel.SUBCENTER,
        parent=center,
    )
    services.service_point_save(actor=None, organisation=center, services=["notarization"])
    services.service_point_save(
        actor=None,
        organisation=binjiang,
        latitude=Decimal("30.2"),
        longitude=Decimal("120.2"),
        languages=["ja"],
        services=["legal-consultation"],
    )
    body = client.get("/api/v1/network/service-points").json()
    assert body["count"] == 2
    assert {p["slug"] for p in body["items"]} == {center.slug, binjiang.slug}
    body = client.get("/api/v1/network/service-points", {"district": "330108"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [p["slug"] for p in body["items"]] == [binjiang.slug]
    item = body["items"][0]
    assert item["parent"] == center.slug
    assert (item["latitude"], item["longitude"]) == (30.2, 120.2)
    assert item["services"] == [{"code": "legal-consultation", "name": "Foreign-related legal consultation"}]
    assert item["level"] == "subcenter"
    body = client.get("/api/v1/network/service-points", {"service": "notarization"}).json()
    assert [p["slug"] for p in body["items"]] == [center.slug]
    body = client.get("/api/v1/network/service-points", {"level": "center"}).json()
    assert [p["slug"] for p in body["items"]] == [center.slug]
    detail = client.get(f"/api/v1/network/service-points/{binjiang.slug}", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert detail["name"] == "滨江分中心"
    assert detail["services"] == [{"code": "legal-consultation", "name": "涉外法律咨询"}]
    assert_error(client.get("/api/v1/network/service-points/nowhere"), 404, "not_found")


# --- lists --------------------------------------------------------------------------------------------------


def test_the_practice_area_list(client):
    response = client.get("/api/v1/network/taxonomies/practice_area", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    terms = {t["code"]: t for t in response.json()}
    assert terms["international-contracts"]["name_zh"] == "国际商事合同"
    assert terms["international-contracts"]["name_en"] == "International commercial contracts"
    assert terms["international-contracts"]["name"] == "International commercial contracts"
    chinese = client.get("/api/v1/network/taxonomies/practice_area", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert {t["code"]: t["name"] for t in chinese}["international-contracts"] == "国际商事合同"


@pytest.mark.parametrize("vocabulary", ["industry", "service_kind", "city"])
def test_every_list_is_served(client, vocabulary):
    assert len(client.get(f"/api/v1/network/taxonomies/{vocabulary}").json()) > 3


def test_an_unknown_list_is_a_404_naming_the_lists(client):
    error = assert_error(client.get("/api/v1/network/taxonomies/planets"), 404, "not_found")
    assert "practice_area" in error["message"]


def test_the_schema_lists_the_network_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/network/experts",
        "/api/v1/network/experts/{public_id}",
        "/api/v1/network/institutions",
        "/api/v1/network/institutions/{slug}",
        "/api/v1/network/service-points",
        "/api/v1/network/service-points/{slug}",
        "/api/v1/network/taxonomies/{vocabulary}",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/network/experts"]["get"]["parameters"]}
    assert {"q", "kind", "practice_area", "jurisdiction", "language", "district", "page", "page_size"} <= parameters
