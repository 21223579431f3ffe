"""The status workflow in the browser: a provincial officer moves their own province's
recommendation forward and cannot touch another's; ministry staff change a selection at once
and close a recommendation with the fields the move needs."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from recommendations import roles
from recommendations.models import Recommendation, ReplyDocument, Status
from recommendations.services import recommendation_triage
from surveys.models import MinistryUnit
from tests.conftest import make_user

pytestmark = pytest.mark.browser

QN = "2025-quang-ninh-kn-03"
BN = "2025-bac-ninh-kn-01"


@pytest.fixture
def officer_account(seeded_transactional_db):
    return make_user("sokhcn_quangninh", roles.PROVINCIAL_OFFICER, province_code="22")


def test_officer_moves_their_recommendation_and_cannot_touch_another_province(
    browser, live_server, sign_in, strict_policy, officer_account, ministry_account
):
    # Beforehand, the ministry assigned the Quảng Ninh recommendation to a unit.
    recommendation = Recommendation.objects.get(key=QN)
    recommendation_triage(
        recommendation=recommendation,
        by=ministry_account,
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
    )
    foreign = Recommendation.objects.get(key=BN)
    foreign_before = (foreign.status, foreign.version, foreign.history.count())

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    violations = strict_policy(page)
    sign_in(page, officer_account)

    # The list starts on their own province.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Kiến nghị"
    ).click()
    results = page.locator("#results")
    expect(results).to_contain_text("6 kiến nghị")
    expect(results.locator(".chip").first).to_contain_text("Tỉnh của tôi: Quảng Ninh")
    expect(page.locator("input[name=ids]")).to_have_count(0)  # no bulk actions for officers

    # Open the assigned one and move it to "in progress" with a comment.
    results.locator("tr", has_text="đã giao xử lý").locator("a.row-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quảng Ninh")
    status_form = page.locator("#move-form")
    expect(status_form.get_by_role("radio")).to_have_count(2)
    status_form.get_by_label("đang xử lý").check()
    status_form.get_by_label("Ghi chú", exact=True).fill("Sở đã giao phòng chuyên môn triển khai.")
    status_form.get_by_role("button", name="Lưu trạng thái").click()

    expect(page.locator(".notice--success")).to_contain_text(
        "Đã chuyển trạng thái sang “đang xử lý”."
    )
    expect(page.locator(".detail-status .badge")).to_have_text("đang xử lý")
    last = page.locator(".timeline li").first  # newest first
    expect(last).to_contain_text("Chuyển trạng thái")
    expect(last).to_contain_text("Sở đã giao phòng chuyên môn triển khai.")
    expect(last).to_contain_text(officer_account.username)
    expect(last.locator(".timeline__when")).to_have_text(
        re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d · ")
    )
    assert Recommendation.objects.get(key=QN).status == Status.IN_PROGRESS

    # A Bắc Ninh recommendation: readable, with no form to change it.
    page.goto(f"{live_server.url}{foreign.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bắc Ninh")
    expect(page.locator(".action-form")).to_have_count(0)
    expect(page.locator(".read-only-notice")).to_be_visible()

    # A forged POST, with a valid CSRF token, is refused and changes nothing.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    for action, fields in [
        ("status", {"move-status": "in_progress", "move-comment": "Giả mạo."}),
        ("note", {"note-comment": "Giả mạo."}),
        ("triage", {"triage-priority": "40"}),
    ]:
        prefix = next(iter(fields)).split("-")[0]
        response = page.request.post(
            f"{live_server.url}/recommendations/{foreign.pk}/{action}/",
            form={
                "csrfmiddlewaretoken": token,
                f"{prefix}-version": str(foreign.version),
                **fields,
            },
        )
        assert response.status == 403, action
    response = page.request.post(
        f"{live_server.url}/recommendations/bulk/",
        form={"csrfmiddlewaretoken": token, "ids": str(foreign.pk), "bulk-priority": "40"},
    )
    assert response.status == 403
    foreign = Recommendation.objects.get(key=BN)
    assert (foreign.status, foreign.version, foreign.history.count()) == foreign_before
    assert violations == []
    page.unroute_all(behavior="wait")  # let a request still in flight finish first
    context.close()


def test_staff_change_a_selection_and_close_with_the_fields_it_needs(
    browser, live_server, sign_in, strict_policy
):
    ReplyDocument.objects.create(number="1234/BKHCN-PC", issued_on=datetime.date(2025, 10, 15))
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    violations = strict_policy(page)
    sign_in(page)

    # Bulk: every row of the page, ticked from the heading, assigned at once.
    page.goto(f"{live_server.url}/recommendations/?province=22")
    results = page.locator("#results")
    expect(results).to_contain_text("6 kiến nghị")
    results.get_by_label("Chọn mọi kiến nghị trên trang này").check()
    expect(results.locator("input[name=ids]:checked")).to_have_count(6)
    bar = page.locator("#bulk-form")
    expect(bar).to_contain_text("Đã chọn 6/6")
    bar.get_by_label("Thao tác").select_option(label="Giao đơn vị, mức ưu tiên, hạn xử lý")
    bar.get_by_role("button", name="Thực hiện").click()
    # The confirmation page lists the rows before anything is written.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thay đổi 6 kiến nghị")
    expect(page.locator("table tbody tr")).to_have_count(6)
    page.get_by_label("Đơn vị chủ trì xử lý").select_option(label="Vụ Pháp chế")
    page.get_by_label("Hạn xử lý").fill("31/12/2030")
    page.get_by_role("button", name="Xác nhận và thực hiện").click()
    expect(page).to_have_url(re.compile(r"/recommendations/\?province=22$"))
    expect(results).to_contain_text("Đã thay đổi 6 kiến nghị")
    expect(results.locator(".badge--assigned")).to_have_count(6)

    # Closing one: the resolution fields appear once a closing status is chosen.
    results.locator("a.row-link").first.click()
    status_form = page.locator("#move-form")
    closing = status_form.get_by_role("group", name="Cần khi đóng kiến nghị")
    expect(closing).to_be_hidden()
    status_form.get_by_label("đã giải quyết").check()
    expect(closing).to_be_visible()
    status_form.get_by_label("đang xử lý").check()
    expect(closing).to_be_hidden()
    status_form.get_by_label("đã giải quyết").check()
    status_form.get_by_role("button", name="Lưu trạng thái").click()
    # Without a resolution note: the summary at the top, the message by the field, and the
    # closing fields stay open.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Cần ghi kết quả xử lý")
    expect(closing).to_be_visible()
    summary.get_by_role("link").first.click()
    expect(status_form.get_by_label("Kết quả xử lý")).to_be_focused()
    status_form.get_by_label("Kết quả xử lý").fill("Bộ đã ban hành văn bản hướng dẫn.")
    # Issue 12: the deciding document is cited from the register.
    status_form.get_by_label("Văn bản dẫn chiếu").select_option(label="1234/BKHCN-PC (15/10/2025)")
    status_form.get_by_role("button", name="Lưu trạng thái").click()
    expect(page.locator(".detail-status .badge")).to_have_text("đã giải quyết")
    expect(page.locator(".summary-list")).to_contain_text("1234/BKHCN-PC (15/10/2025)")
    assert violations == []
    page.unroute_all(behavior="wait")  # let a request still in flight finish first
    context.close()


def test_the_status_form_works_without_javascript(browser, live_server, sign_in):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = sign_in(context.new_page())
    recommendation = Recommendation.objects.get(key=QN)
    page.goto(f"{live_server.url}{recommendation.get_absolute_url()}")
    status_form = page.locator("#move-form")
    # Every field is shown, with the hint saying when it is needed.
    expect(status_form.locator("fieldset.conditional").first).to_be_visible()
    expect(status_form).to_contain_text("Cần khi đóng kiến nghị")
    # Assigning is the triage form's: the status form does not offer it a second time.
    expect(status_form.get_by_label("đã giao xử lý")).to_have_count(0)
    triage = page.locator("#triage-form")
    triage.get_by_label("Đơn vị chủ trì xử lý").select_option(label="Cục Viễn thông")
    triage.get_by_role("button", name="Lưu phân loại, giao xử lý").click()
    expect(page.locator(".detail-status .badge")).to_have_text("đã giao xử lý")
    assert Recommendation.objects.get(key=QN).responsible_unit.name == "Cục Viễn thông"
    context.close()
