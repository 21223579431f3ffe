"""Page titles as a screen reader announces them: "Lỗi:" first when a page comes back after a
failed submit (GOV.UK's error pattern) – on every page with a form, the admin's included; the
admin named after the ministry's tracker; the login-throttling page in Vietnamese, in the
site's layout, with the time to wait, whichever login was used."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recommendations.groups import group_create
from recommendations.models import Recommendation, Status
from surveys.models import MinistryUnit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SITE = " – Bộ Khoa học và Công nghệ"
ADMIN = " | Quản trị – Theo dõi kiến nghị"
QN = "2025-quang-ninh-kn-01"
BN = "2025-bac-ninh-kn-01"
SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
LONG_SEARCH = " ".join("abcdefghij"[n % 10] for n in range(1900))


def title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert found, "no <title>"
    return " ".join(found.group(1).split())


def failed(response) -> bool:
    return title(response).startswith("Lỗi: ")


# --- the admin's names ---------------------------------------------------------------------


def test_the_admin_is_named_after_the_ministrys_tracker(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    page = response.content.decode()
    assert "Theo dõi kiến nghị – Bộ Khoa học và Công nghệ</a>" in page  # the header
    assert "<h1>Quản trị</h1>" in page
    assert title(response) == "Quản trị" + ADMIN
    assert "Django" not in title(response)


def test_the_admin_login_and_the_import_page_carry_the_names_too(client, admin_user):
    login = client.get(reverse("admin:login"))
    assert title(login) == "Đăng nhập" + ADMIN
    assert "Theo dõi kiến nghị – Bộ Khoa học và Công nghệ" in login.content.decode()
    client.force_login(admin_user)
    for url in (
        reverse("admin:surveys_importbatch_import"),
        reverse("admin:provinces_province_import"),
    ):
        response = client.get(url)
        assert title(response) == "Nhập dữ liệu" + ADMIN
        assert "Theo dõi kiến nghị – Bộ Khoa học và Công nghệ" in response.content.decode()


# --- "Lỗi:" on the site's pages --------------------------------------------------------------


def test_document_form(staff_client):
    url = reverse("recommendations:document_new")
    assert title(staff_client.get(url)) == "Vào sổ văn bản trả lời" + SITE
    response = staff_client.post(url, {"number": ""})
    assert response.status_code == 200
    assert title(response) == "Lỗi: Vào sổ văn bản trả lời" + SITE


def test_group_form(staff_client):
    url = reverse("recommendations:group_new")
    assert not failed(staff_client.get(url))
    response = staff_client.post(url, {"title": " "})
    assert response.status_code == 200
    assert title(response) == "Lỗi: Nhóm mới" + SITE


def test_report_form(staff_client):
    url = reverse("recommendations:reports")
    assert not failed(staff_client.get(url))
    response = staff_client.post(url, {"period": "a week"})
    assert response.status_code == 400
    assert title(response) == "Lỗi: Báo cáo" + SITE


def test_group_answer_without_a_member_ticked(staff_client, ministry_user):
    group = group_create(by=ministry_user, title="Nhóm thử")
    assert title(staff_client.get(group.get_absolute_url())) == "Nhóm thử" + SITE
    response = staff_client.post(
        reverse("recommendations:group_answer", args=[group.pk]), {"status": "in_progress"}
    )
    assert response.status_code == 200
    assert title(response) == "Lỗi: Nhóm thử" + SITE


def test_group_members_refused_comes_back_with_an_error_title(staff_client, ministry_user):
    taken = Recommendation.objects.get(key=BN)
    group_create(by=ministry_user, title="Nhóm khác", members=[taken])
    group = group_create(by=ministry_user, title="Nhóm thử")
    response = staff_client.post(
        reverse("recommendations:group_members", args=[group.pk]), {"add": [taken.pk]}, follow=True
    )
    assert "Take them out of it first" not in response.content.decode()  # said in Vietnamese
    assert title(response) == "Lỗi: Nhóm thử" + SITE
    # The message is shown once: the next visit is a plain page again.
    assert not failed(staff_client.get(group.get_absolute_url()))


def test_dashboard_with_a_date_it_cannot_read(staff_client):
    url = reverse("recommendations:dashboard")
    assert title(staff_client.get(url, {"as_of": "01/10/2025"})) == "Tổng quan" + SITE
    assert title(staff_client.get(url, {"as_of": "hôm qua"})) == "Lỗi: Tổng quan" + SITE


@pytest.mark.parametrize(
    ("url_name", "params", "name"),
    [
        ("recommendations:list", {"due_before": "hôm qua"}, "Kiến nghị"),
        ("recommendations:list", {"q": LONG_SEARCH}, "Kiến nghị"),
        ("provinces:list", {"q": LONG_SEARCH}, "Tỉnh, thành phố"),
        ("surveys:obstacle_list", {"theme": "limbo"}, "Khó khăn, vướng mắc"),
    ],
)
def test_lists_whose_filters_have_errors(staff_client, url_name, params, name):
    url = reverse(url_name)
    assert title(staff_client.get(url)) == name + SITE
    response = staff_client.get(url, params)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert title(response) == f"Lỗi: {name}{SITE}"


def test_list_after_a_refused_bulk_change(staff_client):
    # Nothing ticked: the list again, with the bar's error.
    response = staff_client.post(
        reverse("recommendations:bulk"), {"query": "province=22", "bulk-priority": "high"}
    )
    assert response.status_code == 302
    assert title(staff_client.get(response["Location"])) == "Lỗi: Kiến nghị" + SITE
    # A group from a selection without a title: the list again, with the message.
    response = staff_client.post(
        reverse("recommendations:group_from_selection"),
        {"ids": [Recommendation.objects.get(key=QN).pk]},
        follow=True,
    )
    assert title(response) == "Lỗi: Kiến nghị" + SITE


def test_detail_after_a_refused_hold_or_a_conflict(staff_client, admin_user):
    recommendation = Recommendation.objects.get(key=QN)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        status=Status.ASSIGNED, responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế")
    )
    recommendation.refresh_from_db()
    name = f"Kiến nghị số {recommendation.pk}{SITE}"
    assert title(staff_client.get(recommendation.get_absolute_url())) == name
    response = staff_client.post(
        reverse("recommendations:hold", args=[recommendation.pk]),
        {"reason": " ", "version": recommendation.version},
        follow=True,
    )
    assert "Hãy nêu lý do tạm dừng." in response.content.decode()
    assert title(response) == "Lỗi: " + name
    # Saved over someone else's change: refused, the fresh page says so.
    response = staff_client.post(
        reverse("recommendations:note", args=[recommendation.pk]),
        {"note-comment": "Ý kiến.", "note-version": recommendation.version - 1},
    )
    assert response.status_code == 409
    assert title(response) == "Lỗi: " + name


# --- "Lỗi:" in the admin -------------------------------------------------------------------


def _visit_notes(client, name, content=None, format_index="0"):
    return client.post(
        reverse("admin:surveys_importbatch_import"),
        {
            "resource": "0",
            "format": format_index,
            "import_file": SimpleUploadedFile(
                name, content if content is not None else (SAMPLES / name).read_bytes()
            ),
        },
    )


def test_the_visit_notes_import_says_when_the_upload_or_the_preview_failed(client, admin_user):
    client.force_login(admin_user)
    nothing = client.post(reverse("admin:surveys_importbatch_import"), {"resource": "0"})
    assert title(nothing) == "Lỗi: Nhập dữ liệu" + ADMIN
    assert title(_visit_notes(client, "bad_wrong_type.pdf")) == "Lỗi: Nhập dữ liệu" + ADMIN
    bad_rows = _visit_notes(client, "bad_many_errors.csv")
    assert bad_rows.context["result"].has_validation_errors()
    assert title(bad_rows) == "Lỗi: Nhập dữ liệu" + ADMIN
    # A clean preview is no error, and a forged confirmation is one.
    clean = _visit_notes(client, "visit_notes_sample.csv")
    assert "confirm_form" in clean.context
    assert title(clean) == "Nhập dữ liệu" + ADMIN
    forged = client.post(reverse("admin:surveys_importbatch_process_import"), {"preview": "0" * 32})
    assert title(forged) == "Lỗi: Nhập dữ liệu" + ADMIN


def test_a_reference_data_import_with_a_bad_file(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:provinces_province_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("tinh.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 200
    assert title(response) == "Lỗi: Nhập dữ liệu" + ADMIN


def test_the_admins_bulk_triage_without_a_change(client, ministry_user):
    client.force_login(ministry_user)
    response = client.post(
        reverse("admin:recommendations_recommendation_changelist"),
        {
            "action": "bulk_triage",
            "_selected_action": [str(Recommendation.objects.get(key=QN).pk)],
            "apply": "1",
        },
    )
    assert response.status_code == 200
    assert title(response) == "Lỗi: Giao xử lý hoặc chuyển trạng thái các kiến nghị đã chọn" + ADMIN


def test_djangos_own_change_form_and_login_say_it_in_vietnamese(client, admin_user):
    response = client.post(reverse("admin:login"), {"username": "ai-do", "password": "sai"})
    assert title(response) == "Lỗi: Đăng nhập" + ADMIN
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_user_add"), {})
    assert response.status_code == 200
    assert title(response).startswith("Lỗi: ")
    assert title(response).endswith(ADMIN)


# --- login throttling ----------------------------------------------------------------------


@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_a_locked_out_sign_in_is_explained_in_vietnamese_in_the_sites_layout(
    client, ministry_user, login
):
    url = reverse(login)
    before = timezone.localtime()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": ministry_user.username, "password": "sai-mat-khau"})
    response = client.post(url, {"username": ministry_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert title(response) == "Tạm khóa đăng nhập" + SITE
    page = response.content.decode()
    assert 'class="site-header"' in page  # the site's layout, not a bare text
    # The time to wait, and when it ends: each try, this one included, started it again.
    ends = {
        f"{(moment + settings.AXES_COOLOFF_TIME):%H:%M}"
        for moment in (before, timezone.localtime())
    }
    assert any(f"đăng nhập được tạm khóa trong 15 phút, đến {end}." in page for end in ends)
    assert "Mỗi lần thử trước thời điểm đó sẽ tính lại thời gian chờ từ đầu." in page
    assert 'href="/accounts/login/"' in page  # and a way back
    assert "_auth_user_id" not in client.session
