"""An officer's day, starting from "Việc của tôi": they land on their work after signing in,
follow a count to exactly its list, update the recommendation, and the count goes down."""

import re

import pytest
from playwright.sync_api import expect

from recommendations import roles, work
from recommendations.models import Recommendation, Status
from recommendations.services import recommendation_triage
from surveys.models import MinistryUnit
from tests.conftest import make_user

pytestmark = pytest.mark.browser

QN = "2025-quang-ninh-kn-03"


@pytest.fixture
def officer_account(seeded_transactional_db):
    return make_user("sokhcn_quangninh", roles.PROVINCIAL_OFFICER, province_code="22")


def test_an_officers_day_from_my_work(
    browser, live_server, sign_in, strict_policy, officer_account, ministry_account
):
    # The ministry assigned a Quảng Ninh recommendation without a due date: the rule gave one.
    recommendation = recommendation_triage(
        recommendation=Recommendation.objects.get(key=QN),
        by=ministry_account,
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
    )
    assert recommendation.status == Status.ASSIGNED and recommendation.due_date
    waiting = work.section_queryset(officer_account, "waiting_update")
    expected = waiting.count()
    assert recommendation in waiting

    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()  # a phone, as provincial officers often answer
    violations = strict_policy(page)
    sign_in(page, officer_account, landing=None)

    expect(page).to_have_url(re.compile(r"/viec-cua-toi/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    expect(page.get_by_text("Kiến nghị của Quảng Ninh, theo việc cần làm.")).to_be_visible()
    card = page.locator("a[data-section=waiting_update]")
    expect(card).to_contain_text("Đã giao, chờ tỉnh cập nhật")
    expect(card.locator(".card__number")).to_have_text(str(expected))

    card.click()
    expect(page).to_have_url(re.compile(r"work=waiting_update"))
    results = page.locator("#results")
    expect(results).to_contain_text(f"{expected} kiến nghị")
    row = results.locator("tr", has_text=recommendation.text[:40])
    expect(row).to_contain_text("còn 30 ngày làm việc")

    row.locator("a.row-link").click()
    expect(page.locator(".due__meaning").first).to_contain_text("còn 30 ngày làm việc")
    # On a phone the actions are one tap away.
    page.get_by_role("link", name="Cập nhật").click()
    status_form = page.locator("#move-form")
    status_form.get_by_label("đang xử lý").check()
    status_form.get_by_label("Ghi chú", exact=True).fill("Sở đã giao phòng chuyên môn.")
    status_form.get_by_role("button").click()
    expect(page.locator(".badge").first).to_contain_text("đang xử lý")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Việc của tôi"
    ).click()
    expect(page.locator("a[data-section=waiting_update] .card__number")).to_have_text(
        str(expected - 1)
    )
    # The national dashboard stays one click away.
    page.get_by_role("link", name="Tổng quan toàn quốc").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert violations == []
    context.close()
