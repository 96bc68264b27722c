"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

One Chromium per pytest process (so one per xdist worker), one fresh browser context per test.
Screenshots go to var/screenshots/ (git-ignored) for a human to look at.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Long enough for a slow CI machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # From sync_playwright().start() until .stop(), asyncio sees a running event loop in this thread, so
    # Django would refuse every ORM call made here (factories, refresh_from_db, and the tests of other
    # files this xdist worker runs meanwhile) with SynchronousOnlyOperation. Allow it for exactly that span.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-US", viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def screenshot(request):
    """``screenshot(page)`` saves the viewport as var/screenshots/<test name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(page, suffix: str = "") -> Path:
        path = SCREENSHOT_DIR / f"{name}{suffix}.png"
        page.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def set_language_cookie(live_server, context):
    """Set the ``lawbridge_language`` cookie (the one Django's set_language writes) before any request."""
    from django.conf import settings

    def set_cookie(language: str) -> None:
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])

    return set_cookie


@pytest.fixture
def sign_in(live_server):
    """``sign_in(page, email, password)`` fills allauth's sign-in form (it stops at the 2FA step, if any)."""

    def submit(page, email: str, password: str) -> None:
        page.goto(live_server.url + "/accounts/login/")
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()

    return submit
