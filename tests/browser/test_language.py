"""Switching the interface language with the header's select."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


def choose_chinese(page):
    with page.expect_navigation():
        page.locator("#language-select").select_option(label="简体中文")  # lawbridge.js submits on change


def test_choosing_chinese_reloads_the_page_in_chinese(live_server, page, context, screenshot):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".site-header .brand small")).to_contain_text("Hangzhou")
    expect(page.locator(".language-form button[type=submit]")).to_be_hidden()  # the no-JS button

    choose_chinese(page)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#language-select")).to_have_value("zh-hans")
    # The site's own strings (header navigation, skip link, page heading) and the city data are Chinese.
    nav = page.locator(".main-nav")
    # Anonymous: the home page and the public directories (experts, institutions, service points).
    expect(nav.get_by_role("link")).to_have_count(4)
    for link in nav.get_by_role("link").all():
        expect(link).to_have_text(CJK)
    expect(nav).not_to_contain_text("Home")
    expect(page.locator(".account-nav")).not_to_contain_text("Sign in")
    expect(page.locator(".skip-link")).to_have_text(CJK)
    expect(page.get_by_role("heading", level=1)).to_contain_text("杭州市")
    expect(page.locator(".site-header .brand small")).to_contain_text("杭州市")
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert cookies["lawbridge_language"] == "zh-hans"
    screenshot(page)

    # Pages whose text comes from allauth's own catalogue are Chinese too.
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(CJK)


def test_a_signed_in_users_choice_is_kept_on_their_profile(live_server, page, context, sign_in, screenshot):
    user = make_user(None, full_name="Anna Schmidt", language="en")
    sign_in(page, user.email, PASSWORD)
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    choose_chinese(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    user.refresh_from_db()
    assert user.language == "zh-hans"
    screenshot(page)

    # Without the cookie, on a browser asking for English, the profile's choice still wins once signed in.
    context.clear_cookies()
    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_marking_a_notification_read_updates_it_and_the_unread_count_in_place(live_server, page, sign_in):
    from lawbridge.core.services import notification_send

    user = make_user(None, language="en")
    for title in ("First notice", "Second notice"):
        notification_send(user=user, kind="core.announcement", title=title)
    sign_in(page, user.email, PASSWORD)
    page.goto(live_server.url + "/notifications/")
    badge = page.locator("#unread-badge")
    expect(badge).to_have_text("2")
    page.evaluate("window.__marker = 'same page'")
    page.locator("li", has_text="First notice").get_by_role("button", name="Mark as read").click()
    expect(page.locator("li", has_text="First notice").get_by_role("button")).to_have_count(0)
    expect(badge).to_have_text("1")
    assert page.evaluate("window.__marker") == "same page"  # no reload: htmx swapped the fragment
