"""The overview's as-of picker and trends, and the "Báo cáo" page, in a real browser under the
strict policy: no inline script, progress by htmx, the file downloads."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


def test_as_of_picture_trends_and_a_report(
    browser, live_server, sign_in, strict_policy, private_media
):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    violations = strict_policy(page)
    sign_in(page)
    expect(page.locator("svg.chart").first).to_be_visible()
    page.get_by_label("Tính đến ngày (dd/mm/yyyy)").fill("31/10/2025")
    page.get_by_role("button", name="Xem ngày đó").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tính đến ngày 31/10/2025")
    expect(page.locator(".card__number").first).to_have_text("19")

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_label("Năm", exact=True).fill("2025")
    page.get_by_label("Tháng", exact=True).select_option("10")
    page.get_by_role("button", name="Lập báo cáo").click()
    expect(page.locator("#report-progress")).to_contain_text("Đã xong")
    with page.expect_download() as download:
        page.get_by_role("link", name="DOCX").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert violations == []
    page.unroute_all(behavior="wait")
    context.close()


def test_the_overview_fits_a_phone(browser, live_server, sign_in):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = sign_in(context.new_page())
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
