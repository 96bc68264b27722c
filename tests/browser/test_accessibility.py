"""axe-core (the engine behind most accessibility checkers) finds no WCAG A/AA violations on the main pages,
in both languages, signed out and signed in."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_public_pages_have_no_accessibility_violations(live_server, page, set_language_cookie, language):
    set_language_cookie(language)
    found = {}
    for path in ("/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_signed_in_pages_have_no_accessibility_violations(live_server, page, sign_in):
    admin = make_user("enterprise_admin", language="en")
    organisation = admin.memberships.get().organisation
    sign_in(page, admin.email, PASSWORD)
    found = {}
    for path in (
        "/dashboard/",
        "/me/profile/",
        "/notifications/",
        "/me/organisations/",
        f"/me/organisations/{organisation.slug}/",
    ):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_the_checker_does_find_violations(page):
    # Guards the tests above against passing vacuously.
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    assert any(v.startswith(("image-alt", "label")) for v in violations(page))
