"""The screens people have: a 1366×768 office laptop and a 390×844 phone.

Every page of the app and the admin import: nothing scrolls sideways (the document, and each
table within its box), and axe-core finds no violation (WCAG 2.2 A/AA and best practices).
Then a ministry user triages three recommendations in a row from a filtered list and lands
back on it.
"""

import re

import pytest
from playwright.sync_api import expect

from provinces.models import Province
from recommendations import roles
from recommendations.models import Recommendation, Status
from surveys.models import Delegation, Finding
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

SCREENS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

#: (document, tables) that are wider than their container, in CSS pixels.
OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    wide.push(`document ${root.scrollWidth} > ${root.clientWidth}`);
  }
  document.querySelectorAll("table").forEach((table, index) => {
    const box = table.parentElement;
    if (table.scrollWidth > box.clientWidth + 1) {
      wide.push(`table ${index} ${table.scrollWidth} > ${box.clientWidth}`);
    }
  });
  return wide;
}"""


def _app_pages():
    recommendation = Recommendation.objects.order_by("pk").first()
    province = Province.objects.get(code="22")
    delegation = Delegation.objects.order_by("pk").first()
    obstacle = Finding.objects.filter(kind="obstacle").order_by("pk").first()
    return [
        "/",
        "/recommendations/",
        "/recommendations/?province=22&ordering=due",
        recommendation.get_absolute_url(),
        "/provinces/",
        province.get_absolute_url(),
        "/delegations/",
        delegation.get_absolute_url(),
        "/obstacles/",
        obstacle.get_absolute_url(),
    ]


def _axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']}: {node['target']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_fits_the_screen_and_passes_axe(browser, live_server, sign_in, screen):
    context = browser.new_context(viewport=SCREENS[screen], locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    problems = {}
    violations = _axe_violations(page)
    if violations:
        problems["/accounts/login/"] = violations
    sign_in(page)
    for path in _app_pages():
        page.goto(f"{live_server.url}{path}")
        found = page.evaluate(OVERFLOW) + _axe_violations(page)
        if found:
            problems[path] = found
    context.close()
    assert problems == {}


@pytest.mark.parametrize("screen", SCREENS)
def test_the_admin_import_page_passes_axe(browser, live_server, seeded_transactional_db, screen):
    admin = make_user("quantri", roles.ADMIN, is_superuser=True)
    context = browser.new_context(viewport=SCREENS[screen], locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(admin.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(f"{live_server.url}/admin/surveys/importbatch/import/")
    expect(page.locator("#content h1")).to_be_visible()
    assert _axe_violations(page) == []
    context.close()


def test_staff_triage_three_in_a_row_from_a_filtered_list_and_land_back_on_it(
    browser, live_server, sign_in, strict_policy
):
    context = browser.new_context(viewport=SCREENS["laptop"], locale="vi-VN")
    page = context.new_page()
    violations = strict_policy(page)
    sign_in(page)
    listed = f"{live_server.url}/recommendations/?province=22&status=reported&ordering=due"
    page.goto(listed)
    expect(page.locator("#results")).to_contain_text("6 kiến nghị")
    page.locator("#results a.row-link").first.click()
    triaged = []
    for _ in range(3):
        expect(page.get_by_role("heading", level=1)).to_contain_text("Kiến nghị số")
        triaged.append(int(re.search(r"/recommendations/(\d+)/", page.url).group(1)))
        triage = page.locator("#triage-form")
        triage.get_by_label("Đơn vị chủ trì xử lý").select_option(label="Vụ Pháp chế")
        triage.get_by_role("button", name="Lưu phân loại, giao xử lý").click()
        expect(page.locator(".detail-status .badge")).to_have_text("đã giao xử lý")
        page.get_by_role("link", name="Kiến nghị tiếp theo").click()
    assert len(set(triaged)) == 3
    # The fourth one, not yet triaged: back to the same filtered, sorted list.
    page.get_by_role("link", name="Quay lại danh sách").click()
    expect(page).to_have_url(listed)
    expect(page.locator("#results")).to_contain_text("3 kiến nghị")
    statuses = Recommendation.objects.filter(pk__in=triaged).values_list("status", flat=True)
    assert set(statuses) == {Status.ASSIGNED}
    # One triage, one history entry.
    for pk in triaged:
        entries = Recommendation.objects.get(pk=pk).history.filter(to_status=Status.ASSIGNED)
        assert entries.count() == 1
    assert violations == []
    page.unroute_all(behavior="wait")
    context.close()
