"""Headless Chromium through Playwright, against pytest-django's live server.

Debian's /usr/bin/chromium is used as it is: Playwright never downloads a browser here. The
Playwright sync API keeps an event loop running in the test's thread while it is started,
which Django's ORM refuses by default; DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that
time, and only in these tests.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from recommendations import roles
from tests.conftest import PASSWORD, make_user

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(config, items):
    missing = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed (pip install -r requirements-dev.txt)"
    if missing is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if missing:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # While Playwright runs, Django's per-context connection storage hands this thread a new
    # database connection; close them on both sides so none outlives the test (PostgreSQL
    # refuses to drop a test database that still has a session). Closing is a no-op for
    # SQLite's in-memory test database.
    connections.close_all()
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def ministry_account(seeded_transactional_db):
    """A ministry staff account that signs in with a password, as a person would."""
    return make_user("canbo_bo", roles.MINISTRY_STAFF, unit_name="Vụ Pháp chế")


@pytest.fixture
def sign_in(live_server, ministry_account):
    """Sign a page in through the login form (as ministry staff unless another account is
    given); returns the page on the dashboard, or where signing in landed with
    ``landing=None`` ("Việc của tôi" for officers and unit staff)."""

    def sign_in(page, account=None, *, landing="/"):
        page.goto(f"{live_server.url}/")
        page.get_by_label("Tên đăng nhập").fill((account or ministry_account).username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.wait_for_load_state()
        if landing is not None and page.url != f"{live_server.url}{landing}":
            page.goto(f"{live_server.url}{landing}")
        return page

    return sign_in


# What a strict policy of a later issue will send; the pages must already live with it.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@pytest.fixture
def strict_policy(live_server):
    """Serve a page's every response under STRICT_CSP; returns the list of violations the
    browser reports (it stays empty when the pages live with the policy)."""
    from playwright.sync_api import Error as PlaywrightError

    pages = []

    def strict_policy(page) -> list[str]:
        violations = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

        def add_policy(route):
            try:
                response = route.fetch(max_redirects=0)
                headers = {**response.headers, "content-security-policy": STRICT_CSP}
                route.fulfill(response=response, headers=headers)
            except PlaywrightError:
                # The page moved on (a click navigated) while this request was in flight:
                # the browser no longer wants its answer.
                pass

        page.route(f"{live_server.url}/**", add_policy)
        pages.append(page)
        return violations

    yield strict_policy
    for page in pages:
        if not page.is_closed():
            page.unroute_all(behavior="wait")
