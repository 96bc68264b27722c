"""Staff sign in with a second factor; staff without one are sent to set it up."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, TOTP_SECRET, make_user

pytestmark = pytest.mark.browser


def submit_code(page, code: str) -> None:
    page.locator("#id_code").fill(code)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Sign In").click()


def current_code() -> str:
    """The authenticator's code now, waiting out the end of a 30 s step so it is still valid on arrival."""
    totp = pyotp.TOTP(TOTP_SECRET)
    left = totp.interval - time.time() % totp.interval
    if left < 2.5:
        time.sleep(left + 0.05)
    return totp.now()


def test_staff_sign_in_asks_for_an_authenticator_code(live_server, page, sign_in, screenshot):
    user = make_user("center_staff", full_name="Chen Jing")

    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()

    submit_code(page, "000000" if pyotp.TOTP(TOTP_SECRET).now() != "000000" else "999999")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.locator("main .errorlist")).to_contain_text("Incorrect code")
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    screenshot(page)
    # Not signed in yet.
    assert page.request.get(live_server.url + "/api/v1/me").status == 401

    submit_code(page, current_code())
    expect(page).to_have_url(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chen Jing")


def test_staff_without_a_second_factor_is_sent_to_set_one_up(live_server, page, sign_in, screenshot):
    user = make_user("center_staff", totp=False)
    sign_in(page, user.email, PASSWORD)

    # Every private page sends them to the TOTP set-up; the API says so in JSON.
    for path in ("/dashboard/", "/me/profile/"):
        response = page.request.get(live_server.url + path, max_redirects=0)
        assert response.status == 302, path
        assert response.headers["location"] == "/accounts/2fa/totp/activate/", path
    response = page.request.get(live_server.url + "/api/v1/me")
    assert response.status == 403
    assert response.json()["error"]["code"] == "two_factor_required"

    page.goto(live_server.url + "/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.locator("main img")).to_be_visible()  # the QR code
    expect(page.locator("#id_code")).to_be_visible()  # the field to confirm the new authenticator
    screenshot(page)


def test_freshly_signed_in_staff_go_straight_to_the_set_up(live_server, page, sign_in):
    user = make_user("center_staff", totp=False)
    sign_in(page, user.email, PASSWORD)
    page.goto(live_server.url + "/dashboard/")  # returns once every redirect is followed
    assert re.search(r"/accounts/2fa/totp/activate/$", page.url), page.url
