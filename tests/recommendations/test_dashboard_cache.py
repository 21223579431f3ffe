"""Today's dashboard counts kept in the cache (recommendations.views._today_counts): the
second view asks the database seven grouped counts fewer, and any change that commits – a
move through the services, an import – shows on the next view."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import imports
from recommendations.imports import read_table
from recommendations.models import Recommendation
from tests.conftest import assign_a_reported_one

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("recommendations:dashboard")
SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "samples" / "visit_notes_sample.csv"


#: The cache the ``cached`` fixture (tests/conftest.py) turns on.
CACHE_ON = "DASHBOARD_CACHE_SECONDS"


def _cards(client) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return {name: count for name, count, _url in response.context["cards"]}, len(captured)


def test_the_second_view_reads_the_counts_from_the_cache(cached, staff_client):
    first, cold = _cards(staff_client)
    second, warm = _cards(staff_client)
    assert first == second
    assert first["total"] == Recommendation.objects.count()
    # status, overdue, province (+ the provinces), field (+ the fields), unit, theme, oldest
    assert cold - warm >= 7


def _assigned(client) -> int:
    response = client.get(DASHBOARD)
    return next(
        bar.count for bar in response.context["by_status"] if "/?status=assigned" in bar.url
    )


def test_a_move_shows_on_the_next_view(
    cached, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    before = _assigned(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        assign_a_reported_one(by=ministry_user)
    assert _assigned(staff_client) == before + 1


def test_an_import_shows_on_the_next_view(cached, staff_client, django_capture_on_commit_callbacks):
    before, _queries = _cards(staff_client)
    table = read_table(content=SAMPLE.read_bytes(), file_name=SAMPLE.name)
    with django_capture_on_commit_callbacks(execute=True):
        report = imports.import_visit_notes(table=table, user=None, file_name=SAMPLE.name)
    assert report.ok, report.lines()
    after, _queries = _cards(staff_client)
    assert after["total"] == Recommendation.objects.count() > before["total"]


def test_a_renamed_province_shows_on_the_next_view(
    cached, staff_client, django_capture_on_commit_callbacks
):
    from provinces.models import Province

    _cards(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        province = Province.objects.get(code="22")
        province.name = "Quảng Ninh (tên mới)"
        province.save()
    labels = [bar.label for bar in staff_client.get(DASHBOARD).context["by_province"]]
    assert "Quảng Ninh (tên mới)" in labels
