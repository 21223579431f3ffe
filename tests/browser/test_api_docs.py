"""The API documentation (Swagger UI from the app's own files) and the public page work under
the strict Content-Security-Policy, and the public page reads on a phone."""

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_schema_under_the_strict_policy(
    browser, live_server, sign_in, strict_policy
):
    page = browser.new_page()
    violations = strict_policy(page)
    sign_in(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    assert page.locator("text=/api/v1/recommendations/").first.is_visible()
    # Swagger UI sets its styles through the DOM (allowed); nothing inline was refused.
    assert violations == []


def test_the_public_page_on_a_phone_without_signing_in(
    browser, live_server, strict_policy, seeded_transactional_db
):
    cache.clear()
    page = browser.new_page(viewport={"width": 375, "height": 740})
    violations = strict_policy(page)
    page.goto(f"{live_server.url}/cong-khai/")
    assert page.get_by_role("heading", level=1).is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1  # no sideways scrolling of the page itself (the table scrolls)
    page.select_option("#public-province", "22")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/cong-khai/?province=22")
    assert page.get_by_role("heading", name="Quảng Ninh").is_visible()
    assert violations == []
