"""Issue 12 in the browser: a ministry user goes from a recommendation's suggestions to a
group, and answers its members once with one reply document."""

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation, ReplyDocument, Status, StatusChange

pytestmark = pytest.mark.browser

SOURCE = "2025-bac-ninh-kn-02"
TRAINING = ["2025-hai-phong-kn-03", "2025-bac-ninh-kn-02", "2025-dak-lak-kn-01"]


def test_from_a_suggestion_to_a_group_to_one_answer(
    browser, live_server, sign_in, strict_policy, ministry_account
):
    document = ReplyDocument.objects.create(
        number="1234/BKHCN-TCCB", summary="Về tập huấn cán bộ cấp xã"
    )
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    violations = strict_policy(page)
    sign_in(page)

    source = Recommendation.objects.get(key=SOURCE)
    page.goto(f"{live_server.url}{source.get_absolute_url()}")
    similar = page.locator("#similar")
    expect(similar).to_contain_text("Hải Phòng")
    expect(similar).to_contain_text("Đắk Lắk")
    similar.get_by_role("button", name="Gộp thành nhóm").click()

    # The group page: its members with their provinces and statuses, progress computed.
    expect(page.get_by_role("heading", level=1)).to_contain_text("đào tạo, tập huấn")
    members = page.locator("#members")
    for province in ("Hải Phòng", "Bắc Ninh", "Đắk Lắk"):
        expect(members).to_contain_text(province)
    expect(page.locator("#group-progress")).to_contain_text("Đã đóng 0/")

    # One answer: every open member ticked by default, one status, one document.
    form = page.locator("#answer-form")
    form.get_by_label("Trạng thái mới").select_option("not_accepted")
    form.get_by_label("Ghi chú", exact=True).fill("Bộ trả lời chung bằng một công văn.")
    form.get_by_label("Kết quả xử lý").fill("Bộ tổ chức tập huấn chung cho các tỉnh.")
    form.get_by_label("Văn bản trả lời").select_option(label=str(document))
    form.get_by_role("button", name="Áp dụng cho các kiến nghị đã chọn").click()

    expect(page.locator(".notices")).to_contain_text("mỗi kiến nghị có mục lịch sử riêng")
    expect(page.locator("#group-progress")).to_contain_text("(100%)")
    expect(page.locator("main")).to_contain_text("1234/BKHCN-TCCB")
    group = Recommendation.objects.get(key=SOURCE).group
    count = group.members.count()
    assert set(TRAINING) <= set(group.members.values_list("key", flat=True))
    assert group.members.filter(status=Status.NOT_ACCEPTED).count() == count
    assert StatusChange.objects.filter(documents=document).count() == count
    assert violations == []
    context.close()
