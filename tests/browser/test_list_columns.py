"""A ministry user chooses every column of the triage list, on the office laptop and on a phone:
nothing scrolls sideways, no card cuts a value off, axe finds nothing, the choice is there on
the next visit and after a reload; "Restore the defaults" brings back today's columns."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.groups import group_create
from recommendations.list_columns import COLUMNS, DEFAULT_KEYS
from recommendations.models import ListPreference, Recommendation
from surveys.models import MinistryUnit
from tests.browser.test_screens import OVERFLOW, SCREENS, _axe_violations

pytestmark = pytest.mark.browser

#: The two screens of every page (test_screens.py), and a smaller laptop, where a table of every
#: column no longer fits beside the filters and its rows become cards.
COLUMN_SCREENS = {**SCREENS, "small_laptop": {"width": 1024, "height": 768}}

ALL_KEYS = [column.key for column in COLUMNS]
HEADINGS = {
    "status": "Trạng thái",
    "due": "Hạn xử lý",
    "priority": "Mức ưu tiên",
    "province": "Tỉnh, thành phố",
    "unit": "Đơn vị chủ trì",
    "group": "Nhóm",
    "created": "Ngày tạo",
    "updated": "Cập nhật lần cuối",
}

#: Cells of the list that are hidden, or whose content runs out of its cell (a table) or out of
#: its card (a phone), where it would overlap the next column or be cut off by the screen.
CUT_OFF = """() => {
  const found = [];
  document.querySelectorAll(".list-table tr.list-row").forEach((row, index) => {
    const card = getComputedStyle(row).display !== "table-row";
    row.querySelectorAll("td").forEach((cell) => {
      const name = `row ${index} ${cell.className}`;
      const box = (card ? row : cell).getBoundingClientRect();
      let left = Infinity;
      let right = -Infinity;
      const seen = (rect) => {
        left = Math.min(left, rect.left);
        right = Math.max(right, rect.right);
      };
      const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let text = texts.nextNode(); text; text = texts.nextNode()) {
        if (!text.textContent.trim() || text.parentElement.closest(".visually-hidden")) continue;
        const range = document.createRange();
        range.selectNodeContents(text);
        [...range.getClientRects()].forEach(seen);
      }
      cell.querySelectorAll("input").forEach((input) => seen(input.getBoundingClientRect()));
      if (getComputedStyle(cell).display === "none" || cell.getBoundingClientRect().width === 0) {
        found.push(`${name} hidden`);
      } else if (left < box.left - 1 || right > box.right + 1) {
        found.push(`${name} runs ${left}–${right} out of ${box.left}–${box.right}`);
      }
    });
  });
  return found;
}"""


@pytest.fixture
def widest_rows(ministry_account):
    """The reported recommendations with the widest values each column can hold: overdue dates
    with their meaning, the longest unit's name, a long group title, every priority."""
    rows = list(Recommendation.objects.filter(status="reported").order_by("pk"))
    unit = max(MinistryUnit.objects.all(), key=lambda unit: len(unit.name))
    for index, recommendation in enumerate(rows):
        recommendation.due_date = timezone.localdate() - datetime.timedelta(days=40 - 3 * index)
        recommendation.priority = (10, 20, 30, 40)[index % 4]
        recommendation.responsible_unit = unit if index % 2 else None
    Recommendation.objects.bulk_update(rows, ["due_date", "priority", "responsible_unit"])
    title = "Hướng dẫn quỹ phát triển khoa học và công nghệ của địa phương"
    group_create(by=ministry_account, title=title, members=rows[:5])
    return rows


def _headings(page) -> list[str]:
    return [text.strip(" ▲▼") for text in page.locator(".list-table thead th").all_inner_texts()]


def _choose(page, keys, *, button="Lưu lựa chọn cột"):
    chooser = page.locator("#columns-chooser")
    if chooser.get_attribute("open") is None:
        chooser.get_by_text("Chọn cột hiển thị").click()
    for column in COLUMNS:
        box = chooser.get_by_role("checkbox", name=HEADINGS[column.key], exact=True)
        box.set_checked(column.key in keys)
    chooser.get_by_role("button", name=button).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("screen", COLUMN_SCREENS)
def test_every_column_chosen_fits_the_screen_and_is_remembered(
    browser, live_server, sign_in, ministry_account, widest_rows, screen
):
    context = browser.new_context(viewport=COLUMN_SCREENS[screen], locale="vi-VN")
    page = sign_in(context.new_page())
    listed = f"{live_server.url}/recommendations/?status=reported&ordering=due"
    page.goto(listed)
    page.locator("#columns-chooser").get_by_text("Chọn cột hiển thị").click()
    assert _axe_violations(page) == []  # the chooser itself, open

    _choose(page, ALL_KEYS)
    expect(page).to_have_url(listed)  # the same filtered, sorted list
    expect(page.locator(".notices")).to_contain_text("Đã lưu các cột bạn chọn.")
    assert ListPreference.objects.get(user=ministry_account).columns == ALL_KEYS
    expected = ["Chọn mọi kiến nghị trên trang này", "Kiến nghị"]
    expected += [HEADINGS[key] for key in ALL_KEYS]
    if screen == "laptop":
        assert _headings(page) == expected
    assert page.evaluate(OVERFLOW) == []
    assert page.evaluate(CUT_OFF) == []
    assert _axe_violations(page) == []
    # Sorted by a chosen column's heading: still the same columns, still fitting.
    if screen == "laptop":
        page.get_by_role("link", name="Ngày tạo").click()
        expect(page).to_have_url(
            f"{live_server.url}/recommendations/?status=reported&ordering=-created"
        )
        assert page.evaluate(OVERFLOW) == []

    # The next visit, in a new session, and a reload: the same columns.
    context.close()
    context = browser.new_context(viewport=COLUMN_SCREENS[screen], locale="vi-VN")
    page = sign_in(context.new_page())
    page.goto(listed)
    expect(page.locator(".list-table .updated-cell").first).to_be_visible()
    page.reload()
    expect(page.locator(".list-table .created-cell").first).to_be_visible()
    for key in ALL_KEYS:
        expect(page.locator(f"#column-{key}")).to_be_checked()
    assert page.evaluate(OVERFLOW) == [] and page.evaluate(CUT_OFF) == []

    # Restore the defaults: today's columns, the line under the text back.
    _choose(page, ALL_KEYS, button="Khôi phục mặc định")
    expect(page).to_have_url(listed)
    expect(page.locator(".notices")).to_contain_text("Đã hiển thị lại các cột mặc định.")
    assert not ListPreference.objects.filter(user=ministry_account).exists()
    expect(page.locator(".list-table .province-cell")).to_have_count(0)
    expect(page.locator(".list-table .row-meta").first).to_be_visible()
    if screen == "laptop":
        assert _headings(page) == expected[:2] + [HEADINGS[key] for key in DEFAULT_KEYS]
    assert page.evaluate(OVERFLOW) == [] and page.evaluate(CUT_OFF) == []
    context.close()


def test_the_chooser_works_without_javascript(browser, live_server, sign_in, ministry_account):
    context = browser.new_context(
        viewport=SCREENS["laptop"], locale="vi-VN", java_script_enabled=False
    )
    page = sign_in(context.new_page())
    listed = f"{live_server.url}/recommendations/?province=22"
    page.goto(listed)
    _choose(page, ["province", "unit"])
    expect(page).to_have_url(listed)
    assert ListPreference.objects.get(user=ministry_account).columns == ["province", "unit"]
    assert _headings(page)[1:] == ["Kiến nghị", "Tỉnh, thành phố", "Đơn vị chủ trì"]
    context.close()
