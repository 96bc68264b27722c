"""Pages of the network: the directory in both languages, profiles and their private fields, bad queries, the
institution application and verification flow, export, and the service point map."""

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.models import Membership, User
from lawbridge.core.models import Notification
from lawbridge.network import services
from lawbridge.network.choices import ReviewStatus
from lawbridge.network.models import Expert, Institution
from tests.factories import TOTP_SECRET, OrganisationFactory, make_expert, make_institution, make_user, signed_in

pytestmark = pytest.mark.django_db

EXPERTS = "/network/experts/"


def visitor(language: str = "en") -> Client:
    c = Client()
    c.cookies["lawbridge_language"] = language
    return c


def text(response) -> str:
    return response.content.decode()


def listed(response) -> set[int]:
    return {e.pk for e in response.context["page"].items}


def district_staff(district_code: str, role: str = Role.SUBCENTER_STAFF) -> User:
    point = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        district_code=district_code,
        service_point_level=ServicePointLevel.SUBCENTER,
    )
    return make_user(role, organisation=point)


def admin_of(institution: Institution) -> User:
    return Membership.objects.get(organisation=institution.organisation, role=Role.INSTITUTION_ADMIN).user


# --- the directory in two languages -------------------------------------------------------------------------


@pytest.fixture
def firm(db):
    return make_institution(name="星河事务所", name_en="Xinghe Partners")


def test_the_directory_in_chinese(firm):
    make_expert(institution=firm, kind="lawyer", name="张伟", name_latin="Zhang Wei")
    for client in (
        visitor("zh-hans"),
        Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"),
        signed_in(make_user(None, language="zh-hans")),
    ):
        response = client.get(EXPERTS)
        assert response.status_code == 200
        page = text(response)
        assert 'class="meta">律师' in page
        assert "<span>律师</span>" in page  # the kind facet
        assert "<span>国际商事合同</span>" in page  # the practice-area facet
        assert "星河事务所" in page
        assert 'class="meta">Lawyer' not in page
        assert ">张伟</a>" in page  # Chinese UI: the name as written


def test_the_directory_in_english(firm):
    make_expert(institution=firm, kind="lawyer", name="张伟", name_latin="Zhang Wei")
    for client in (visitor("en"), Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"), signed_in(make_user(None))):
        response = client.get(EXPERTS)
        assert response.status_code == 200
        page = text(response)
        assert 'class="meta">Lawyer · Xinghe Partners' in page
        assert "<span>Lawyer</span>" in page
        assert "<span>International commercial contracts</span>" in page
        assert "律师" not in page
        assert ">Zhang Wei (张伟)</a>" in page


# --- search and facets --------------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    return {
        "zhang": make_expert(name="张伟", name_latin="Zhang Wei", languages=[("ja", "fluent")]),
        "li": make_expert(name="李娜", name_latin="Li Na", languages=[("ja", "fluent"), ("en", "fluent")]),
        "muller": make_expert(name="Anna Müller", name_latin="", languages=[("de", "native")]),
    }


@pytest.mark.parametrize(
    ("query", "who"),
    [("张伟", "zhang"), ("Zhang Wei", "zhang"), ("zhangwei", "zhang"), ("zw", "zhang"), ("李娜", "li"),
     ("li na", "li"), ("muller", "muller")],
)  # fmt: skip
def test_free_text_search(people, query, who):
    response = visitor().get(EXPERTS, {"q": query})
    assert response.status_code == 200
    assert listed(response) == {people[who].pk}
    assert f"/network/experts/{people[who].public_id}/" in text(response)
    others = [e for key, e in people.items() if key != who]
    assert all(f"/network/experts/{e.public_id}/" not in text(response) for e in others)


def facet_count(page: str, label: str) -> int:
    found = re.search(rf"<span>{re.escape(label)}</span> <span class=\"count\">(\d+)</span>", page)
    assert found, label
    return int(found.group(1))


def test_facet_filtering_and_counts_are_shown(people):
    response = visitor().get(EXPERTS, {"language": "ja"})
    page = text(response)
    assert listed(response) == {people["zhang"].pk, people["li"].pk}
    assert "2 experts" in page
    assert re.search(r'name="language" value="ja" checked', page)
    # The language facet keeps its own counts; other languages stay pickable.
    assert (facet_count(page, "Japanese"), facet_count(page, "English"), facet_count(page, "German")) == (2, 1, 1)
    # A chip to remove the filter.
    assert 'class="chip">Japanese' in page

    response = visitor().get(EXPERTS, {"language": ["ja", "de"]})
    assert listed(response) == {e.pk for e in people.values()}
    response = visitor().get(EXPERTS, {"language": ["ja", "de"], "q": "muller"})
    assert listed(response) == {people["muller"].pk}


def test_unknown_facet_values_just_give_no_results(people):
    response = visitor().get(EXPERTS, {"language": "tlh", "kind": "wizard"})
    assert response.status_code == 200
    assert listed(response) == set()
    assert "No expert matches" in text(response)
    response = visitor().get(EXPERTS, {"colour": "red"})  # not a facet: ignored
    assert response.status_code == 200
    assert listed(response) == {e.pk for e in people.values()}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "<script>alert(1)</script>"}, "The search text may hold letters, digits, spaces"),
        ({"q": "x" * 101}, "The search text is too long"),
        ({"page_size": "1000"}, "A page holds 1 to 100 results."),
        ({"page": "0"}, "Pages are numbered from 1 to 10000."),
        ({"page": "abc"}, "Page and page size must be whole numbers."),
        ({"order": "random"}, "Unknown order."),
        ({"kind": "law'yer"}, "Invalid value for kind."),
    ],
)
def test_bad_queries_are_a_400_with_the_message_on_the_page(people, params, message):
    response = visitor().get(EXPERTS, params)
    assert response.status_code == 400
    page = text(response)
    assert 'role="alert"' in page
    assert message.replace("'", "&#x27;") in page
    assert "<script>alert(1)</script>" not in page  # the query comes back escaped


def test_drafts_are_not_listed_for_the_public_but_are_for_staff():
    verified = make_expert()
    draft = make_expert(status=ReviewStatus.DRAFT)
    pending = make_expert(status=ReviewStatus.PENDING)
    assert listed(visitor().get(EXPERTS)) == {verified.pk}
    assert listed(signed_in(make_user(None)).get(EXPERTS)) == {verified.pk}
    staff = signed_in(make_user(Role.WORKSTATION_STAFF))
    assert listed(staff.get(EXPERTS)) == {verified.pk, draft.pk, pending.pk}


def test_the_directory_page_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    institution = make_institution()
    for _n in range(20):
        make_expert(institution=institution, languages=[("ja", "fluent"), ("en", "fluent")], jurisdictions=["JP"])
    client = visitor()
    client.get(EXPERTS)  # warm caches (taxonomy)
    with django_assert_max_num_queries(15):
        response = client.get(EXPERTS, {"language": "ja"})
    assert len(listed(response)) == 20


# --- the profile page ---------------------------------------------------------------------------------------


@pytest.fixture
def profile(db):
    expert = make_expert(phone="+86 571 8888 0001", email="wang@example.org", max_matters=10)
    services.expert_outcomes_record(expert=expert, open_matters=3)
    expert.refresh_from_db()
    return expert


def test_private_fields_are_shown_to_staff_and_the_institution(profile):
    number = profile.credentials.get().number
    admin = admin_of(profile.institution)
    TOTP.activate(admin, TOTP_SECRET)
    for user in (make_user(Role.CENTER_STAFF), make_user(Role.SUPERVISOR), admin):
        page = text(signed_in(user).get(f"/network/experts/{profile.public_id}/"))
        assert "+86 571 8888 0001" in page
        assert "wang@example.org" in page
        assert number in page
        assert "Open matters" in page and "3 / 10" in page


def test_private_fields_are_hidden_from_visitors(profile):
    number = profile.credentials.get().number
    for client in (visitor(), signed_in(make_user(None)), signed_in(make_user(Role.ENTERPRISE_ADMIN))):
        response = client.get(f"/network/experts/{profile.public_id}/")
        assert response.status_code == 200
        page = text(response)
        assert profile.name in page
        assert "Practising licence" in page  # the credential is shown ...
        assert number not in page  # ... without its number
        assert "+86 571 8888 0001" not in page
        assert "wang@example.org" not in page
        assert "Open matters" not in page


@pytest.mark.parametrize("status", [ReviewStatus.DRAFT, ReviewStatus.PENDING, ReviewStatus.REJECTED])
def test_an_unpublished_profile_is_a_404_for_visitors(status):
    expert = make_expert(status=status)
    url = f"/network/experts/{expert.public_id}/"
    assert visitor().get(url).status_code == 404
    assert signed_in(make_user(None)).get(url).status_code == 404
    assert signed_in(make_user(Role.INSTITUTION_ADMIN)).get(url).status_code == 404  # of another institution
    assert signed_in(make_user(Role.CENTER_STAFF)).get(url).status_code == 200
    admin = admin_of(expert.institution)
    TOTP.activate(admin, TOTP_SECRET)
    assert signed_in(admin).get(url).status_code == 200


def test_an_unknown_profile_is_a_404():
    assert visitor().get("/network/experts/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- applying, adding an expert, verification ---------------------------------------------------------------

APPLICATION = {
    "kind": "law_firm",
    "name": "钱江涉外律师事务所",
    "name_en": "Qianjiang Foreign Law Firm",
    "licence_number": "31330000999",
    "district_code": "330108",
    "practice_areas": ["international-contracts"],
    "jurisdictions": ["JP", "CN"],
    "languages": ["zh", "ja"],
    "foreign_offices": "Tokyo, JP",
}


def expert_form(**overrides) -> dict:
    data = {
        "kind": "lawyer",
        "name": "山田一郎",
        "name_latin": "Ichiro Yamada",
        "district_code": "330108",
        "home_city": "hangzhou",
        "practice_areas": ["international-contracts"],
        "jurisdictions": ["JP"],
        "languages": "ja:native, zh:fluent",
        "max_matters": "8",
        "availability": "available",
        "fee_currency": "CNY",
        "fee_basis": "hourly",
        "credential-kind": "practising_licence",
        "credential-issuer": "浙江省司法厅",
        "credential-number": "13301202010000042",
        "credential-issued_on": "2020-01-01",
        "credential-expires_on": (date.today() + timedelta(days=365)).isoformat(),
        "submit": "1",
    }
    data.update(overrides)
    return data


def test_an_institution_applies_adds_an_expert_and_gets_verified(django_capture_on_commit_callbacks):
    applicant = make_user(None)
    client = signed_in(applicant)
    assert client.get("/network/institutions/apply/").status_code == 200
    response = client.post("/network/institutions/apply/", APPLICATION)
    assert response.status_code == 302, text(response)
    institution = Institution.objects.get(licence_number="31330000999")
    slug = institution.organisation.slug
    assert response.url == f"/network/institutions/{slug}/"
    assert institution.status == ReviewStatus.PENDING
    assert Membership.objects.filter(
        user=applicant, organisation=institution.organisation, role=Role.INSTITUTION_ADMIN
    ).exists()
    # Administering an institution is a staff role: the second factor comes first.
    assert client.get(f"/network/institutions/{slug}/").url.startswith("/accounts/2fa/totp/activate")
    TOTP.activate(applicant, TOTP_SECRET)
    page = text(client.get(f"/network/institutions/{slug}/"))
    assert "Awaiting verification" in page and "Add an expert" in page
    assert visitor().get(f"/network/institutions/{slug}/").status_code == 404  # not public yet

    response = client.post(f"/network/institutions/{slug}/experts/new/", expert_form())
    assert response.status_code == 302, text(response)
    expert = Expert.objects.get(name="山田一郎")
    assert expert.status == ReviewStatus.PENDING
    assert expert.credentials.get().number == "13301202010000042"

    # Staff of another district do not see it in their queue; the Binjiang sub-center does.
    assert "山田一郎" not in text(signed_in(district_staff("330106")).get("/network/review/"))
    staff = signed_in(district_staff("330108"))
    queue = text(staff.get("/network/review/"))
    assert "Ichiro Yamada (山田一郎)" in queue
    assert "Qianjiang Foreign Law Firm" in queue
    assert listed(visitor().get(EXPERTS)) == set()

    response = staff.post(f"/network/institutions/{slug}/review/", {"decision": "approve", "next": "/network/review/"})
    assert response.status_code == 302 and response.url == "/network/review/"
    response = staff.post(f"/network/experts/{expert.public_id}/review/", {"decision": "approve"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.status == ReviewStatus.VERIFIED and expert.credentials_ok
    assert listed(visitor().get(EXPERTS)) == {expert.pk}
    assert visitor().get(f"/network/institutions/{slug}/").status_code == 200
    assert Notification.objects.filter(user=applicant, kind="network.expert.reviewed").count() == 1
    assert Notification.objects.filter(user=applicant, kind="network.institution.reviewed").count() == 1
    assert "Nothing waiting." in text(staff.get("/network/review/"))


def test_an_expert_of_an_institution_still_pending_is_not_public():
    institution = make_institution(status=ReviewStatus.PENDING, district_code="330108")
    expert = make_expert(institution=institution, status=ReviewStatus.PENDING)
    staff = signed_in(district_staff("330108"))
    assert staff.post(f"/network/experts/{expert.public_id}/review/", {"decision": "approve"}).status_code == 302
    assert listed(visitor().get(EXPERTS)) == set()
    assert visitor().get(f"/network/experts/{expert.public_id}/").status_code == 404


def test_an_application_with_a_taken_licence_shows_the_error_on_the_field():
    make_institution(licence_number="31330000999")
    response = signed_in(make_user(None)).post("/network/institutions/apply/", APPLICATION)
    assert response.status_code == 400
    assert response.context["forms"][0].errors["licence_number"]


def test_a_visitor_is_sent_to_sign_in_before_applying():
    response = visitor().get("/network/institutions/apply/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.fixture
def pending_expert(db):
    institution = make_institution(district_code="330108")
    admin = admin_of(institution)
    TOTP.activate(admin, TOTP_SECRET)
    expert = make_expert(institution=institution, status=ReviewStatus.PENDING)
    return expert, admin


def test_a_rejection_needs_a_reason_which_the_institution_admin_sees(pending_expert):
    expert, admin = pending_expert
    staff = signed_in(district_staff("330108"))
    url = f"/network/experts/{expert.public_id}/review/"
    response = staff.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400
    assert response.context["forms"][0].errors["reason"] == ["Say why, so the applicant can put it right."]
    expert.refresh_from_db()
    assert expert.status == ReviewStatus.PENDING

    assert staff.post(url, {"decision": "reject", "reason": "执业证已注销"}).status_code == 302
    expert.refresh_from_db()
    assert expert.status == ReviewStatus.REJECTED
    page = text(signed_in(admin).get(f"/network/experts/{expert.public_id}/"))
    assert "Not verified: 执业证已注销" in page
    note = Notification.objects.get(user=admin, kind="network.expert.reviewed")
    assert "执业证已注销" in note.body
    assert visitor().get(f"/network/experts/{expert.public_id}/").status_code == 404


def test_rejecting_an_institution_needs_a_reason():
    institution = make_institution(status=ReviewStatus.PENDING, district_code="330108")
    staff = signed_in(district_staff("330108"))
    url = f"/network/institutions/{institution.organisation.slug}/review/"
    response = staff.post(url, {"decision": "reject"})
    assert response.status_code == 400
    assert "reason" in response.context["forms"][0].errors
    assert staff.post(url, {"decision": "reject", "reason": "Licence not found"}).status_code == 302
    institution.refresh_from_db()
    assert institution.status == ReviewStatus.REJECTED
    admin = admin_of(institution)
    TOTP.activate(admin, TOTP_SECRET)
    assert "Not verified: Licence not found" in text(
        signed_in(admin).get(f"/network/institutions/{institution.organisation.slug}/")
    )


def test_staff_of_another_district_cannot_verify(pending_expert):
    expert, _admin = pending_expert
    staff = signed_in(district_staff("330106"))
    page = text(staff.get(f"/network/experts/{expert.public_id}/"))
    assert "Record the decision" not in page
    response = staff.post(f"/network/experts/{expert.public_id}/review/", {"decision": "approve"})
    assert response.status_code == 403
    expert.refresh_from_db()
    assert expert.status == ReviewStatus.PENDING
    institution = make_institution(status=ReviewStatus.PENDING, district_code="330108")
    url = f"/network/institutions/{institution.organisation.slug}/review/"
    assert staff.post(url, {"decision": "approve"}).status_code == 403


def test_an_institution_admin_of_another_institution_gets_403(pending_expert):
    expert, own_admin = pending_expert
    slug = expert.institution.organisation.slug
    other = make_institution()
    outsider = admin_of(other)
    TOTP.activate(outsider, TOTP_SECRET)
    client = signed_in(outsider)
    assert client.get(f"/network/institutions/{slug}/edit/").status_code == 403
    assert client.post(f"/network/institutions/{slug}/edit/", APPLICATION).status_code == 403
    assert client.get(f"/network/institutions/{slug}/experts/new/").status_code == 403
    # Their own institution they may edit.
    assert client.get(f"/network/institutions/{other.organisation.slug}/edit/").status_code == 200
    assert signed_in(own_admin).get(f"/network/institutions/{slug}/edit/").status_code == 200


def test_an_institution_admin_edits_the_institution(pending_expert):
    expert, admin = pending_expert
    institution = expert.institution
    slug = institution.organisation.slug
    data = {**APPLICATION, "licence_number": institution.licence_number, "name": "新名称律所", "phone": "0571-1"}
    response = signed_in(admin).post(f"/network/institutions/{slug}/edit/", data)
    assert response.status_code == 302, text(response)
    institution.refresh_from_db()
    assert institution.organisation.name == "新名称律所"
    assert institution.jurisdictions == ["CN", "JP"]
    # Changing the kind is the service center's decision.
    response = signed_in(admin).post(f"/network/institutions/{slug}/edit/", {**data, "kind": "notary"})
    assert response.status_code == 400
    assert "kind" in response.context["forms"][0].errors


def test_an_expert_form_with_bad_values_shows_field_errors(pending_expert):
    expert, admin = pending_expert
    slug = expert.institution.organisation.slug
    client = signed_in(admin)
    url = f"/network/institutions/{slug}/experts/new/"
    for overrides, field in [
        ({"languages": "xx:native"}, "languages"),
        ({"fee_min": "900", "fee_max": "100"}, "fee_max"),
        ({"practice_areas": ["alchemy"]}, "practice_areas"),
        ({"fee_currency": "ABC"}, "fee_currency"),
    ]:
        response = client.post(url, expert_form(**overrides))
        assert response.status_code == 400, overrides
        assert field in response.context["forms"][0].errors, overrides
    response = client.post(url, expert_form(**{"credential-number": expert.credentials.get().number}))
    assert response.status_code == 400
    assert "Another expert already holds a Practising licence with this number." in text(response)
    assert not Expert.objects.filter(name="山田一郎").exists()


# --- export -------------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_public_csv_export_has_no_private_columns():
    verified = make_expert(phone="+86 571 0000 1111")
    make_expert(status=ReviewStatus.DRAFT, name="草稿专家")
    page = text(visitor().get(EXPERTS))
    assert 'href="/network/experts/export.csv?' in page
    response = visitor().get("/network/experts/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [row["name"] for row in rows] == [verified.name]
    assert not {"phone", "email", "credential_number", "max_matters"} & set(rows[0])
    assert "+86 571 0000 1111" not in response.content.decode("utf-8-sig")


def test_staff_export_includes_private_columns_and_follows_the_filters():
    ja = make_expert(phone="+86 571 0000 2222", languages=[("ja", "fluent")])
    make_expert(languages=[("de", "fluent")])
    response = signed_in(make_user(Role.CENTER_STAFF)).get("/network/experts/export.csv", {"language": "ja"})
    rows = read_csv(response)
    assert [row["name"] for row in rows] == [ja.name]
    assert rows[0]["phone"] == "+86 571 0000 2222"
    assert rows[0]["credential_number"] == ja.credentials.get().number


def test_an_export_with_a_bad_query_is_a_400():
    assert visitor().get("/network/experts/export.csv", {"q": "<script>"}).status_code == 400


# --- service points -----------------------------------------------------------------------------------------


@pytest.fixture
def points(db):
    center = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        name="杭州市涉外法律服务中心",
        name_en="Hangzhou Foreign-Related Legal Service Center",
        service_point_level=ServicePointLevel.CENTER,
    )
    binjiang = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        name="滨江分中心",
        name_en="Binjiang Sub-center",
        district_code="330108",
        service_point_level=ServicePointLevel.SUBCENTER,
        parent=center,
    )
    xihu = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        name="西湖分中心",
        name_en="Xihu Sub-center",
        district_code="330106",
        service_point_level=ServicePointLevel.SUBCENTER,
        parent=center,
    )
    hours = [{"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "17:30"}]
    made = {
        "center": services.service_point_save(
            actor=None, organisation=center, latitude=Decimal("30.27"), longitude=Decimal("120.15"),
            services=["legal-consultation", "notarization"],
        ),
        "binjiang": services.service_point_save(
            actor=None, organisation=binjiang, latitude=Decimal("30.21"), longitude=Decimal("120.21"),
            opening_hours=hours, languages=["zh", "ja"], services=["legal-consultation"],
        ),
        "xihu": services.service_point_save(actor=None, organisation=xihu, services=["notarization"]),
    }  # fmt: skip
    return made


def point_names(response) -> set[str]:
    return {p.organisation.name for p in response.context["points"]}


def test_the_service_point_list_has_a_map_and_the_list(points):
    response = visitor().get("/network/points/")
    assert response.status_code == 200
    page = text(response)
    assert 'id="map"' in page
    markers = json.loads(re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', page).group(1))
    assert {m["name"] for m in markers} == {"Hangzhou Foreign-Related Legal Service Center", "Binjiang Sub-center"}
    assert point_names(response) == {"杭州市涉外法律服务中心", "滨江分中心", "西湖分中心"}
    assert "3 service points" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "330108"}, {"滨江分中心"}),
        ({"service": "notarization"}, {"杭州市涉外法律服务中心", "西湖分中心"}),
        ({"district": "330106", "service": "legal-consultation"}, set()),
        ({"district": "999999"}, {"杭州市涉外法律服务中心", "滨江分中心", "西湖分中心"}),  # unknown: ignored
    ],
)
def test_the_service_point_list_filters_by_district_and_service(points, params, expected):
    response = visitor().get("/network/points/", params)
    assert response.status_code == 200
    assert point_names(response) == expected


def test_a_service_point_page(points):
    response = visitor().get(f"/network/points/{points['binjiang'].organisation.slug}/")
    assert response.status_code == 200
    page = text(response)
    assert 'id="map"' in page
    assert "Mon–Fri 09:00–17:30" in page
    assert "Japanese" in page
    assert "Foreign-related legal consultation" in page
    assert "Hangzhou Foreign-Related Legal Service Center" in page  # part of
    zh_page = text(visitor("zh-hans").get(f"/network/points/{points['binjiang'].organisation.slug}/"))
    assert "滨江分中心" in zh_page and "涉外法律咨询" in zh_page and "日语" in zh_page
    center_page = text(visitor().get(f"/network/points/{points['center'].organisation.slug}/"))
    assert "Binjiang Sub-center" in center_page and "Xihu Sub-center" in center_page  # points under it
    assert visitor().get("/network/points/no-such-point/").status_code == 404


# --- the acceptance scenario --------------------------------------------------------------------------------


@pytest.fixture
def japanese_contract_lawyers(db):
    binjiang_firm = make_institution(district_code="330108")
    target = make_expert(
        institution=binjiang_firm,
        kind="lawyer",
        name="陈静",
        name_latin="Chen Jing",
        languages=[("zh", "native"), ("ja", "fluent")],
        practice_areas=["international-contracts"],
        jurisdictions=["JP", "CN"],
    )
    decoys = [
        make_expert(institution=binjiang_firm, languages=[("en", "fluent")], jurisdictions=["JP"]),  # no Japanese
        make_expert(institution=binjiang_firm, languages=[("ja", "fluent")], jurisdictions=["US"]),  # not JP law
        make_expert(
            institution=binjiang_firm, languages=[("ja", "fluent")], jurisdictions=["JP"], practice_areas=["patents"]
        ),
        make_expert(institution=binjiang_firm, kind="translator", languages=[("ja", "native")], jurisdictions=["JP"]),
        make_expert(
            institution=make_institution(district_code="330106"), languages=[("ja", "fluent")], jurisdictions=["JP"]
        ),
        make_expert(institution=binjiang_firm, status=ReviewStatus.PENDING, languages=[("ja", "fluent")],
                    jurisdictions=["JP"]),
    ]  # fmt: skip
    return target, decoys


SCENARIO = {
    "kind": "lawyer",
    "district": "330108",
    "practice_area": "international-contracts",
    "jurisdiction": "JP",
    "language": "ja",
}


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Lawyer", "Binjiang District", "Japanese", "Japan", "International commercial contracts"]),
        ("zh-hans", ["律师", "滨江区", "日语", "日本", "国际商事合同"]),
    ],
)
def test_a_visitor_finds_a_japanese_speaking_lawyer_for_japanese_contract_law_in_binjiang(
    japanese_contract_lawyers, language, labels
):
    target, _decoys = japanese_contract_lawyers
    client = visitor(language)
    response = client.get(EXPERTS, SCENARIO)
    assert response.status_code == 200
    assert listed(response) == {target.pk}
    page = text(response)
    for label in labels:
        assert label in page, label
    # The chips name the chosen filters in the UI language.
    chips = re.findall(r'class="chip">([^<]+) <span', page)
    assert set(chips) == set(labels)
    profile = text(client.get(f"/network/experts/{target.public_id}/"))
    for label in [labels[0], labels[1], labels[3], labels[4]]:  # the language: see the test below
        assert label in profile, label


@pytest.mark.parametrize(("language", "japanese"), [("en", "Japanese"), ("zh-hans", "日语")])
def test_the_profile_lists_the_experts_languages(language, japanese):
    expert = make_expert(languages=[("ja", "fluent")])
    page = text(visitor(language).get(f"/network/experts/{expert.public_id}/"))
    assert f'<span lang="ja">{japanese}</span> <small class="muted">(' in page
