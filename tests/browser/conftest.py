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
    """Sign a page in through the login form; returns the page on the dashboard."""

    def sign_in(page):
        page.goto(f"{live_server.url}/")
        page.get_by_label("Tên đăng nhập").fill(ministry_account.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in
