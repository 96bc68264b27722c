"""The public directory and the service-point map, as a visitor sees them in Chromium, in both languages;
and a sub-center officer verifying an expert."""

import re

import pytest
from playwright.sync_api import expect

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.network import services
from tests.browser.test_login import current_code, submit_code
from tests.factories import PASSWORD, OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.browser

BINJIANG, XIHU = "330108", "330106"


@pytest.fixture
def talent_pool():
    firm = make_institution(district_code=BINJIANG, name="滨江涉外律师事务所", name_en="Binjiang Foreign Law Firm")
    wanted = make_expert(
        institution=firm,
        name="王晓明",
        name_latin="Wang Xiaoming",
        district_code=BINJIANG,
        languages=[("zh", "native"), ("ja", "fluent")],
        practice_areas=["international-contracts"],
        jurisdictions=["JP", "CN"],
    )
    make_expert(  # Japanese, but in Xihu
        institution=firm,
        name="李静",
        name_latin="Li Jing",
        district_code=XIHU,
        languages=[("ja", "native")],
        practice_areas=["international-contracts"],
        jurisdictions=["JP"],
    )
    make_expert(  # in Binjiang, but Korean
        institution=firm,
        name="金敏俊",
        name_latin="Kim Minjun",
        district_code=BINJIANG,
        languages=[("ko", "native")],
        practice_areas=["international-contracts"],
        jurisdictions=["KR"],
    )
    return wanted


def tick(page, group: str, label: str) -> None:
    """Tick a facet value; lawbridge.js submits the form, so the page reloads with the filter applied."""
    facet = page.locator("details.facet", has=page.locator("summary", has_text=group))
    with page.expect_navigation():
        facet.get_by_label(label).check()


@pytest.mark.parametrize(
    ("language", "labels", "heading"),
    [
        (
            "en",
            (
                "Language",
                "Japanese",
                "District",
                "Binjiang District",
                "Practice area",
                "International commercial contracts",
            ),
            "1 expert",
        ),
        ("zh-hans", ("语言", "日语", "区县", "滨江区", "业务领域", "国际商事合同"), "1"),
    ],
)
def test_a_visitor_finds_a_japanese_speaking_contract_lawyer_in_binjiang(
    live_server, page, set_language_cookie, screenshot, talent_pool, language, labels, heading
):
    set_language_cookie(language)
    page.goto(live_server.url + "/network/experts/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".result-list > li.result")).to_have_count(3)

    tick(page, labels[0], labels[1])
    expect(page.locator(".result-list > li.result")).to_have_count(2)
    tick(page, labels[2], labels[3])
    tick(page, labels[4], labels[5])

    results = page.locator(".result-list > li.result")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("王晓明")
    expect(page.locator("#results-title")).to_contain_text(heading)
    # The counts beside other values say what ticking them would give.
    expect(page.locator(".chips .chip")).to_have_count(3)
    screenshot(page)

    with page.expect_navigation():
        results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("王晓明")
    expect(page.locator("main")).not_to_contain_text("1330")  # the licence number is staff-only
    screenshot(page, "-profile")


def test_pinyin_finds_a_chinese_name(live_server, page, talent_pool):
    page.goto(live_server.url + "/network/experts/?q=wangxiaoming")
    expect(page.locator(".result-list > li.result")).to_have_count(1)
    page.goto(live_server.url + "/network/experts/?q=%3Cscript%3E")
    expect(page.locator("#q-error")).to_be_visible()
    expect(page.locator("#q")).to_have_attribute("aria-invalid", "true")


def _service_point(slug, level, district, lat, lon, parent=None):
    org = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        slug=slug,
        name=f"{slug} 服务点",
        name_en=f"{slug} point",
        district_code=district,
        service_point_level=level,
        parent=parent,
        uscc="",
    )
    return services.service_point_save(
        actor=None,
        organisation=org,
        services=["legal-consultation"]
        if level != ServicePointLevel.CENTER
        else ["legal-consultation", "case-analysis"],
        latitude=lat,
        longitude=lon,
        address_zh="杭州市某路1号",
        address_en="1 Some Road, Hangzhou",
        languages=["zh", "en"],
        opening_hours=[{"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "17:30"}],
    )


def test_the_service_point_map_draws_every_point_without_tiles(live_server, page, settings, screenshot):
    settings.LAWBRIDGE_MAP_TILES = ""  # a government network without a tile server
    center = _service_point("t-center", ServicePointLevel.CENTER, XIHU, 30.2592, 120.1300)
    _service_point("t-sub", ServicePointLevel.SUBCENTER, BINJIANG, 30.2084, 120.2107, parent=center.organisation)
    _service_point("t-ws", ServicePointLevel.WORKSTATION, BINJIANG, 30.1901, 120.1887, parent=center.organisation)

    page.goto(live_server.url + "/network/points/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(3)
    expect(page.locator("#map")).to_have_attribute("data-markers", "3")
    expect(page.locator(".result-list > li")).to_have_count(3)
    screenshot(page)

    with page.expect_navigation():
        page.locator("#district").select_option(BINJIANG)
    expect(page.locator(".result-list > li")).to_have_count(2)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(2)

    with page.expect_navigation():
        page.locator("#service").select_option("case-analysis")
    expect(page.locator(".result-list > li.result")).to_have_count(0)
    expect(page.locator(".result-list")).to_contain_text("No service point")


def test_a_sub_center_officer_verifies_a_pending_expert(live_server, page, sign_in, screenshot):
    subcenter = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        district_code=BINJIANG,
        service_point_level=ServicePointLevel.SUBCENTER,
        uscc="",
    )
    officer = make_user("subcenter_staff", organisation=subcenter, full_name="Zhou Min")
    expert = make_expert(
        institution=make_institution(district_code=BINJIANG), status="pending", name="赵磊", name_latin="Zhao Lei"
    )
    sign_in(page, officer.email, PASSWORD)
    submit_code(page, current_code())

    page.goto(live_server.url + "/network/review/")
    row = page.locator("tr", has_text="赵磊")
    expect(row).to_be_visible()
    with page.expect_navigation():
        row.get_by_role("link").click()
    page.get_by_label("Reject").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".errorlist")).to_contain_text("Say why")
    page.get_by_label("Verify and publish").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded")
    expect(page.locator("main")).to_contain_text(re.compile(r"1330\d+"))  # staff see the licence number
    screenshot(page)
    expert.refresh_from_db()
    assert expert.status == "verified"
