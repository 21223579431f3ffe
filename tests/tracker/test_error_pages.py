"""The error pages: Vietnamese (English when chosen), in the site's layout, saying why and
offering a way back – for pages and downloads alike, with DEBUG off as in production."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from recommendations.models import Recommendation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug_off")]

BN = "2025-bac-ninh-kn-01"


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False


def _page(response) -> str:
    page = response.content.decode()
    assert 'class="site-header"' in page, "in the site's layout"
    assert 'href="/"' in page or "Về trang tổng quan" in page or "Go to the overview" in page
    assert "Traceback" not in page
    return page


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_400_bad_request(staff_client):
    # More fields than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS): a SuspiciousOperation.
    response = staff_client.get("/", {f"f{n}": "x" for n in range(1100)})
    assert response.status_code == 400
    page = _page(response)
    assert "Không hiểu được yêu cầu" in page
    assert '<html lang="vi">' in page


def test_403_says_the_reason_the_app_gave(client, officer_qn):
    client.force_login(officer_qn)
    recommendation = Recommendation.objects.get(key=BN)  # another province's
    response = client.post(
        reverse("recommendations:move", args=[recommendation.pk]),
        {"move-status": "in_progress", "move-version": recommendation.version},
    )
    assert response.status_code == 403
    page = _page(response)
    assert "Bạn không thể thực hiện thao tác này" in page
    assert "Bạn không có quyền thay đổi kiến nghị này." in page
    assert "Đến danh sách kiến nghị" in page


def test_403_in_english_when_chosen(client, officer_qn):
    client.force_login(officer_qn)
    recommendation = Recommendation.objects.get(key=BN)
    response = _english(client).post(
        reverse("recommendations:move", args=[recommendation.pk]),
        {"move-status": "in_progress", "move-version": recommendation.version},
    )
    page = _page(response)
    assert "You cannot do this" in page
    assert "You may not change this recommendation." in page


@override_settings(ROOT_URLCONF="tests.tracker.error_urls")
def test_a_refused_download_answers_the_same_page(staff_client):
    response = staff_client.get("/test-download.xlsx")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    page = _page(response)
    assert "Bạn không có quyền thay đổi kiến nghị này." in page


def test_403_without_a_reason_says_what_it_can(client, officer_qn):
    # The admin refuses a provincial officer without a message of its own.
    client.force_login(officer_qn)
    response = client.get(reverse("admin:recommendations_authority_add"))
    assert response.status_code == 403
    page = _page(response)
    assert "Tài khoản của bạn không có quyền mở trang này" in page


def test_404(staff_client):
    response = staff_client.get(reverse("recommendations:detail", args=[999_999]))
    assert response.status_code == 404
    page = _page(response)
    assert "Không tìm thấy trang" in page


@pytest.mark.parametrize(
    ("name", "args", "allowed"),
    [
        ("recommendations:move", [1], "POST"),  # a form's target opened as a page
        ("recommendations:export_xlsx", [], "GET"),  # a download sent a form
        ("recommendations:export_csv", [], "GET"),
        ("healthz", [], "GET"),
    ],
)
def test_405_has_a_page(staff_client, name, args, allowed):
    url = reverse(name, args=args)
    response = staff_client.get(url) if allowed == "POST" else staff_client.post(url)
    assert response.status_code == 405
    assert allowed in response["Allow"]
    page = _page(response)
    assert "Không thể thực hiện thao tác theo cách này" in page
    assert "Chưa có gì bị thay đổi." in page


def test_csrf_failure(ministry_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ministry_user)
    recommendation = Recommendation.objects.get(key=BN)
    response = client.post(
        reverse("recommendations:note", args=[recommendation.pk]), {"note-comment": "x"}
    )
    assert response.status_code == 403
    page = _page(response)
    assert "Biểu mẫu đã hết hạn" in page
    assert "Quay lại, tải lại trang rồi gửi lại biểu mẫu." in page
    assert "CSRF" not in page  # Django's English reason goes to the log


def _failing_database(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)


@pytest.mark.parametrize(
    ("language", "text"),
    [("vi", "Xin lỗi, hệ thống đang gặp sự cố"), ("en", "Sorry, there is a problem")],
)
def test_500_renders_without_the_database_and_shows_no_detail(
    ministry_user, monkeypatch, language, text
):
    client = Client(raise_request_exception=False)
    client.force_login(ministry_user)
    client.cookies["django_language"] = language
    _failing_database(monkeypatch)
    response = client.get(reverse("recommendations:dashboard"))
    assert response.status_code == 500
    page = _page(response)
    assert text in page
    assert "database gone" not in page and "RuntimeError" not in page
    assert f'<html lang="{language}">' in page


def test_the_lockout_page_is_vietnamese_in_the_sites_layout(client, ministry_user, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": ministry_user.username, "password": "sai"})
    response = client.post(reverse("login"), {"username": ministry_user.username, "password": "x"})
    assert response.status_code == 429
    page = _page(response)
    assert "Tạm khóa đăng nhập" in page or "tạm khóa" in page
