"""Anonymous visitors are kept out of private pages; the pages can be used from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_anonymous_visitor_is_refused_private_pages(live_server, page, screenshot):
    for path in ("/dashboard/", "/me/profile/"):
        page.goto(live_server.url + path)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=" + path.replace("/", "(?:/|%2F)") + "$"))
        expect(page.locator("#id_login")).to_be_visible()
    screenshot(page)

    response = page.goto(live_server.url + "/api/v1/me")
    assert response.status == 401
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == "not_authenticated"
    assert body["error"]["message"]


def test_first_tab_focuses_the_skip_link(live_server, page, screenshot):
    page.goto(live_server.url + "/")
    skip = page.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()  # hidden off-screen until focused

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_be_in_viewport()  # and shown when focused
    screenshot(page)

    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#main")
    expect(page.locator("main#main")).to_be_focused()
