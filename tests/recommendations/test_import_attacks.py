"""The import as an attacker uses it (issue 9): an officer given import rights cannot set the
workflow's own fields by any import, ``version`` never goes backwards, and an import racing an
edit on the page loses nothing."""

import threading

import pytest
import tablib
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse

from recommendations import roles
from recommendations.models import Recommendation
from recommendations.services import (
    ImportedRecommendation,
    StaleRecommendation,
    recommendation_triage,
    recommendations_import_write,
)
from tests.conftest import make_user
from tests.recommendations.test_concurrency import _in_thread
from tests.recommendations.test_visit_notes_import import (
    HEADERS,
    dataset,
    grant_import,
    import_visit_notes,
    snapshot,
)

KEY = "kt-tan-cong-01"
BASE = {
    "Mã dòng": KEY,
    "Tỉnh/thành phố": "22",
    "Ngày làm việc": "14/08/2025",
    "Loại": "kiến nghị",
    "Chủ đề": "ngân sách",
    "Nội dung": "Bổ sung kinh phí chuyển đổi số cấp xã.",
}


def row_of(_recommendation=None, **cells):
    """The row that created the recommendation, with ``cells`` changed."""
    return {**BASE, **cells}


@pytest.fixture(autouse=True)
def recommendation(request):
    """A recommendation of Quảng Ninh, created by an import as the system."""
    if "seeded_transactional_db" in request.fixturenames:
        request.getfixturevalue("seeded_transactional_db")
    else:
        request.getfixturevalue("db")
    report = import_visit_notes(dataset(BASE), user=None, file_name="x.csv")
    assert report.ok, report.lines()
    return Recommendation.objects.get(key=KEY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column", ["priority", "Mức ưu tiên", "version", "resolution_note", "Kết quả xử lý"]
)
def test_an_officer_cannot_set_a_workflow_field_by_import(officer_qn, column):
    officer = grant_import(officer_qn)
    recommendation = Recommendation.objects.get(key=KEY)
    data = tablib.Dataset(headers=[*HEADERS, column])
    row = {**dict.fromkeys(HEADERS, ""), **row_of(recommendation)}
    data.append([*(row[h] for h in HEADERS), "1"])
    before = snapshot()
    report = import_visit_notes(data, user=officer, file_name="x.csv")
    assert not report.ok and report.file_errors
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("cells", [{"Hạn xử lý": "31/12/2030"}, {"Đơn vị chủ trì": "Vụ Pháp chế"}])
def test_an_officer_cannot_triage_by_import(officer_qn, cells):
    officer = grant_import(officer_qn)
    recommendation = Recommendation.objects.get(key=KEY)
    before = snapshot()
    report = import_visit_notes(
        dataset(row_of(recommendation, **cells)), user=officer, file_name="x.csv"
    )
    assert not report.ok
    assert snapshot() == before


@pytest.mark.django_db
def test_the_per_model_recommendation_import_is_gone(client, officer_qn):
    client.force_login(grant_import(officer_qn))
    with pytest.raises(NoReverseMatch):
        reverse("admin:recommendations_recommendation_import")
    response = client.post("/admin/recommendations/recommendation/import/", {})
    assert response.status_code in (302, 404)  # the admin's catch-all: no such page
    assert (
        Recommendation.objects.get(key=KEY).version == Recommendation.objects.get(key=KEY).version
    )


@pytest.mark.django_db
def test_an_import_raises_the_version_by_one_and_never_lowers_it():
    recommendation = Recommendation.objects.get(key=KEY)
    Recommendation.objects.filter(pk=recommendation.pk).update(version=7)
    recommendation.refresh_from_db()
    report = import_visit_notes(
        dataset(row_of(recommendation, **{"Nội dung": "Nội dung đã sửa."})),
        user=None,
        file_name="x.csv",
    )
    assert report.ok and report.updated == 1, report.lines()
    assert Recommendation.objects.get(pk=recommendation.pk).version == 8


@pytest.mark.django_db
def test_the_import_write_refuses_a_row_saved_since_it_was_read():
    """A caller that read a row, then someone saved it: the write refuses the whole batch
    rather than write the old version back (which would let a stale save through)."""
    stale = Recommendation.objects.get(key=KEY)
    Recommendation.objects.filter(pk=stale.pk).update(version=stale.version + 3)
    stale.text = "Ghi đè."
    before = snapshot()
    with pytest.raises(StaleRecommendation), transaction.atomic():
        recommendations_import_write(
            items=[ImportedRecommendation(stale, status=stale.status)],
            by=None,
            batch=None,
            opening_comment="",
        )
    assert snapshot() == before


@pytest.mark.postgresql
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two concurrent writers: run with DATABASE_URL pointing at PostgreSQL",
)
def test_an_import_racing_a_page_edit_loses_nothing(seeded_transactional_db):
    """Staff triage the recommendation on the page (row locked) while an import changes its
    text: the import waits for the lock, reads the triaged row and keeps the triage."""
    staff = make_user("canbo_trang", roles.MINISTRY_STAFF)
    recommendation = Recommendation.objects.get(key=KEY)
    version = recommendation.version
    row = row_of(recommendation, **{"Nội dung": "Nội dung do tệp sửa."})
    page_holds_lock = threading.Event()
    import_started = threading.Event()
    results = {}

    def page():
        with transaction.atomic():
            recommendation_triage(
                recommendation=recommendation,
                by=staff,
                priority=Recommendation.Priority.URGENT,
                expected_version=version,
            )
            page_holds_lock.set()
            import_started.wait(timeout=5)  # the import is now waiting on the row lock
        return "saved"

    def file_import():
        page_holds_lock.wait(timeout=5)
        import_started.set()
        return import_visit_notes(dataset(row), user=None, file_name="x.csv")

    threads = [_in_thread(page, results, "page"), _in_thread(file_import, results, "import")]
    for thread in threads:
        thread.join(timeout=30)

    assert results["page"] == "saved"
    assert results["import"].ok, results["import"].lines()
    recommendation.refresh_from_db()
    assert recommendation.priority == Recommendation.Priority.URGENT  # the page's change
    assert recommendation.text == "Nội dung do tệp sửa."  # the import's change
    assert recommendation.version == version + 2
