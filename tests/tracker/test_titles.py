"""Page titles as a screen reader announces them: "Lỗi:" first when a page comes back after a
failed submit (GOV.UK's error pattern) – on every page with a form, the admin's included; the
admin named after the ministry's tracker; the login-throttling page in Vietnamese, in the
site's layout, with the time to wait, whichever login was used."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

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
