"""A ministry user's day in the browser: sign in, filter, search, open, export."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _results(page):
    return page.locator("#results")


def test_ministry_user_filters_searches_opens_and_exports(browser, live_server, sign_in):
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    page = sign_in(context.new_page())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan")

    # The triage list, filtered by province and status.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Kiến nghị"
    ).click()
    expect(_results(page)).to_contain_text("19 kiến nghị")
    page.get_by_role("checkbox", name="Quảng Ninh", exact=True).check()
    page.get_by_label("đã báo cáo Lãnh đạo Bộ").check()
    page.get_by_role("button", name="Áp dụng bộ lọc").click()
    expect(_results(page)).to_contain_text("6 kiến nghị")
    expect(page).to_have_url(re.compile(r"province=22"))
    expect(page).to_have_url(re.compile(r"status=reported"))
    chips = _results(page).locator(".chip")
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text("Quảng Ninh")

    # The export gives exactly the filtered rows.
    with page.expect_download() as download_info:
        _results(page).get_by_role("link", name="CSV").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    body = download_info.value.path().read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1 + 6
    assert {row[1] for row in rows[1:]} == {"Quảng Ninh"}
    with page.expect_download() as download_info:
        _results(page).get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active
    assert sheet.max_row == 1 + 6

    # Removing a chip removes that filter.
    chips.filter(has_text="Quảng Ninh").click()
    expect(_results(page)).to_contain_text("19 kiến nghị")
    expect(page).not_to_have_url(re.compile(r"province="))

    # Search without diacritics: the results follow the typing.
    page.get_by_role("link", name="Bỏ tất cả bộ lọc").click()
    page.get_by_label("Tìm kiếm").fill("dao tao")
    expect(_results(page)).to_contain_text("4 kiến nghị")
    expect(page).to_have_url(re.compile(r"q=dao\+tao"))
    first = _results(page).locator("a.row-link").first
    expect(first).to_contain_text("đào tạo")

    # Open a recommendation.
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kiến nghị số")
    expect(page.locator("blockquote")).to_contain_text(title.rstrip("…")[:40])
    expect(page.get_by_role("heading", name="Lịch sử xử lý")).to_be_visible()
    context.close()


def test_filters_work_without_javascript(browser, live_server, sign_in):
    context = browser.new_context(java_script_enabled=False)
    page = sign_in(context.new_page())
    page.goto(f"{live_server.url}/recommendations/")
    page.get_by_role("checkbox", name="Thanh Hóa", exact=True).check()
    page.get_by_label("Tìm kiếm").fill("BIEN CHE")
    page.get_by_role("button", name="Áp dụng bộ lọc").click()
    expect(page).to_have_url(re.compile(r"province=38"))
    expect(page.locator("#results")).to_contain_text("1 kiến nghị")
    page.locator("#results a.row-link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thanh Hóa")
    context.close()


def test_bad_filters_show_a_message_not_an_error(browser, live_server, sign_in):
    page = sign_in(browser.new_page())
    response = page.goto(
        f"{live_server.url}/recommendations/?status=bogus&province=abc&page=999999"
        "&page_size=1000000&due_after=31/02/2025&ordering=nope"
    )
    assert response.status == 200
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(page.locator("#results")).to_contain_text("19 kiến nghị")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_province_0")).to_be_focused()  # the first province's box


def test_pages_run_under_a_strict_content_security_policy(
    browser, live_server, sign_in, strict_policy
):
    context = browser.new_context()
    page = context.new_page()
    violations = strict_policy(page)
    sign_in(page)
    for path in ("/", "/recommendations/", "/obstacles/", "/provinces/", "/delegations/"):
        page.goto(f"{live_server.url}{path}")
    # htmx itself runs: a filter change updates the results in place.
    page.goto(f"{live_server.url}/recommendations/")
    page.get_by_text("Thêm bộ lọc").click()
    page.get_by_label("Nhóm vấn đề").select_option("legal")
    expect(page.locator("#results")).to_contain_text("5 kiến nghị")
    expect(page).to_have_url(re.compile(r"theme=legal"))
    assert violations == []
    # The check itself works: an inline script is refused, and the refusal is seen.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.x = 1'; document.body.append(s); }"
        )
    assert page.evaluate("window.x") is None
    page.unroute_all(behavior="wait")  # let a request still in flight finish first
    context.close()


def test_on_a_phone_results_come_first(browser, live_server, sign_in):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = sign_in(context.new_page())
    page.goto(f"{live_server.url}/recommendations/")
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    expect(page.locator("#results a.row-link").first).to_be_in_viewport()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the screen; tables scroll in their box
    context.close()
