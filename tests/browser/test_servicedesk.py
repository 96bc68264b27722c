"""The service desk in Chromium: a foreign resident files in English, a sub-center officer triages in Chinese and
offers the matter from the explained match table, the lawyer accepts."""

import re

import pytest
from playwright.sync_api import expect

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.servicedesk.models import ServiceRequest
from tests.browser.test_login import current_code, submit_code
from tests.factories import PASSWORD, OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.browser
BINJIANG = "330108"


@pytest.fixture
def desk():
    center = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        service_point_level=ServicePointLevel.CENTER,
        uscc="",
        district_code="330106",
    )
    sub = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.SUBCENTER, uscc="",
        district_code=BINJIANG, parent=center, name="滨江区涉外法律服务分中心", name_en="Binjiang Sub-center",
    )  # fmt: skip
    officer = make_user("subcenter_staff", organisation=sub, language="zh-hans", full_name="周敏")
    lawyer_user = make_user("lawyer", full_name="王晓明", language="zh-hans")
    firm = make_institution(district_code=BINJIANG)
    lawyer = make_expert(
        institution=firm, user=lawyer_user, name="王晓明", name_latin="Wang Xiaoming", district_code=BINJIANG,
        languages=[("zh", "native"), ("de", "fluent"), ("en", "fluent")], jurisdictions=["DE", "CN"],
        practice_areas=["international-contracts", "labour-employment"],
    )  # fmt: skip
    make_expert(institution=firm, name="李静", languages=[("ja", "fluent")], jurisdictions=["JP"])
    person = make_user(None, language="en", full_name="Anna Schmidt")
    return officer, lawyer_user, lawyer, person


def sign_in_with_code(page, sign_in, user):
    sign_in(page, user.email, PASSWORD)
    submit_code(page, current_code())


def test_file_triage_offer_accept(live_server, browser, desk, sign_in, screenshot):
    officer, lawyer_user, lawyer, person = desk

    # 1. The requester files in English.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, person.email, PASSWORD)
    page.goto(live_server.url + "/desk/requests/new/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label(re.compile(r"^\s*Contract review")).check()
    page.locator("#id_title").fill("Employment contract with a German parent company")
    page.locator("#id_countries").select_option(["DE"])
    page.locator("#id_languages").select_option(["en", "de"])
    page.locator("#id_description").fill("Please check the non-compete clause before I sign.")
    page.locator("#id_district_code").select_option(BINJIANG)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the request").click()
    number = page.locator(".request-number code").inner_text()
    assert re.fullmatch(r"HZ-\d{4}-\d{6}", number)
    screenshot(page, "-filed")
    context.close()

    # 2. The sub-center officer triages it in Chinese and offers it to the lawyer at the top of the match table.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})  # user language wins
    page = context.new_page()
    sign_in_with_code(page, sign_in, officer)
    page.goto(live_server.url + f"/desk/requests/{number}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with page.expect_navigation():
        page.locator(f"form[action='/desk/requests/{number}/accept/'] button").click()
    table = page.locator("table.match-table")
    expect(table).to_be_visible()
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("王晓明")
    first.get_by_role("checkbox").check()
    screenshot(page, "-matches")
    with page.expect_navigation():
        page.locator(f"form[action='/desk/requests/{number}/offers/'] button[type=submit]").click()
    context.close()

    # 3. The lawyer accepts the offer from their offers page.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})  # user language wins
    page = context.new_page()
    sign_in_with_code(page, sign_in, lawyer_user)
    page.goto(live_server.url + "/desk/offers/")
    row = page.locator("tr, li, article", has_text=number).first
    with page.expect_navigation():
        row.locator("form[action$='/accept/'] button").click()
    context.close()

    request = ServiceRequest.objects.get(number=number)
    assert request.status == "assigned" and request.assigned_expert == lawyer
