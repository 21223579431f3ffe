"""Production hardening: headers the pages keep, the health check, login throttling, the
deployment checklist, and backups that survive a dumpdata/loaddata round trip."""

import json
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def assert_keeps_the_csp(html: str) -> None:
    """The page has nothing a strict script-src/style-src 'self' policy would block."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "asset from another origin"


def test_pages_send_the_security_headers(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:recommendations_recommendation_changelist",
        "admin:surveys_finding_changelist",
    ],
)
def test_admin_pages_keep_the_content_security_policy(client, admin_user, url_name):
    client.force_login(admin_user)
    assert_keeps_the_csp(client.get(reverse(url_name)).content.decode())


def test_admin_change_page_keeps_the_content_security_policy(client, admin_user):
    from recommendations.models import Recommendation

    client.force_login(admin_user)
    url = reverse(
        "admin:recommendations_recommendation_change", args=[Recommendation.objects.first().pk]
    )
    assert_keeps_the_csp(client.get(url).content.decode())


def test_health_check_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_check_reports_a_database_failure(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def _login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def test_password_guessing_is_locked_out_in_vietnamese(client, ministry_user):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, ministry_user.username, "sai-mat-khau").status_code == 200
    assert _login(client, ministry_user.username, "sai-mat-khau").status_code == 429
    locked = _login(client, ministry_user.username, PASSWORD)  # even the right password
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "tạm khóa" in page and "15" in page
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_resets_the_count(client, ministry_user):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, ministry_user.username, "sai-mat-khau")
    assert _login(client, ministry_user.username, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, ministry_user.username, "sai-mat-khau")
    assert _login(client, ministry_user.username, PASSWORD).status_code == 302


def test_lockout_is_per_account_not_for_the_whole_office(client, ministry_user, officer_qn):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, ministry_user.username, "sai-mat-khau")
    assert _login(client, officer_qn.username, PASSWORD).status_code == 302


def _production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="theodoi.example.gov.vn",
        **extra,
    )
    return env


def test_deployment_checklist_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_hardened():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'ssl': s.SECURE_SSL_REDIRECT, 'cookies': s.SESSION_COOKIE_SECURE,"
        "'csrf': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "ssl": True,
        "cookies": True,
        "csrf": True,
        "hsts": 31536000,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


SEEDED_APPS = ["provinces", "surveys", "recommendations"]


def test_seed_survives_a_dumpdata_loaddata_round_trip(tmp_path):
    """What the README's backup section relies on: a JSON dump restores the same rows."""
    dump = tmp_path / "backup.json"
    call_command("dumpdata", *SEEDED_APPS, output=str(dump), verbosity=0)
    before = json.loads(dump.read_text(encoding="utf-8"))
    assert len(before) > 250

    from recommendations.models import Recommendation, StatusChange
    from surveys.models import Finding

    StatusChange.objects.all().delete()
    Recommendation.objects.all().delete()
    Finding.objects.all().delete()
    assert not Recommendation.objects.exists()

    call_command("loaddata", str(dump), verbosity=0)
    again = StringIO()
    call_command("dumpdata", *SEEDED_APPS, stdout=again, verbosity=0)
    assert json.loads(again.getvalue()) == before
