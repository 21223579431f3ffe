"""A recommendation page's record (facts, history, evidence) kept in the cache: drawn once,
then read with no query for it; any change that commits – a move, a note, a renamed unit, a
document – shows on the next view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import Recommendation, ReplyDocument, Status
from recommendations.services import recommendation_add_note
from surveys.models import MinistryUnit
from tracker import reference

pytestmark = pytest.mark.django_db


#: The cache the ``cached`` fixture (tests/conftest.py) turns on.
CACHE_ON = "RECORD_CACHE_SECONDS"


def _facts(page: str) -> str:
    start = page.index('id="facts"')
    return page[start : page.index("</dl>", start)]


def _page(client, recommendation) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(recommendation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_the_second_view_reads_the_record_from_the_cache(cached, staff_client):
    recommendation = Recommendation.objects.exclude(status=Status.NEW).first()
    first, cold = _page(staff_client, recommendation)
    second, warm = _page(staff_client, recommendation)
    # visit, addressees, fields, supporting units, obstacles, history, its files and
    # documents, the documents cited
    assert cold - warm == 9
    assert _facts(first) == _facts(second)
    assert first.count("timeline__when") == second.count("timeline__when") > 0


def test_a_note_and_a_renamed_unit_show_on_the_next_view(
    cached, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    unit = MinistryUnit.objects.first()
    recommendation = Recommendation.objects.exclude(status=Status.NEW).first()
    recommendation.responsible_unit = unit
    recommendation.save(update_fields=["responsible_unit"])
    _page(staff_client, recommendation)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_add_note(
            recommendation=recommendation, by=ministry_user, comment="Ghi chú mới về tiến độ."
        )
    page, _count = _page(staff_client, recommendation)
    assert "Ghi chú mới về tiến độ." in page
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "Vụ Đổi Tên Thử"
        unit.save()
    page, _count = _page(staff_client, recommendation)
    assert "Vụ Đổi Tên Thử" in page


def test_a_cited_document_changed_elsewhere_shows(
    cached, staff_client, django_capture_on_commit_callbacks
):
    recommendation = Recommendation.objects.exclude(status=Status.NEW).first()
    with django_capture_on_commit_callbacks(execute=True):
        document = ReplyDocument.objects.create(number="12/CV-BKHCN")
        recommendation.documents.add(document)
    assert "12/CV-BKHCN" in _page(staff_client, recommendation)[0]
    with django_capture_on_commit_callbacks(execute=True):
        document.number = "12/CV-BKHCN (đính chính)"
        document.save()
    assert "12/CV-BKHCN (đính chính)" in _page(staff_client, recommendation)[0]


def test_an_officer_gets_the_theme_link_of_their_own_list(cached, staff_client, client, officer_qn):
    recommendation = Recommendation.objects.filter(province__code="22").first()
    staff_page, _count = _page(staff_client, recommendation)
    client.force_login(officer_qn)
    officer_page, _count = _page(client, recommendation)
    # The same record, each with the theme's link to their own kind of list.
    assert "scope=all" in _facts(officer_page)
    assert "scope=all" not in _facts(staff_page)


def test_joining_a_group_shows_on_the_next_view(
    cached, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    from recommendations.groups import group_add_members
    from recommendations.models import RecommendationGroup

    recommendation = Recommendation.objects.exclude(status=Status.NEW).first()
    group = RecommendationGroup.objects.create(
        title="Nhóm đào tạo cán bộ xã", created_by=ministry_user
    )
    assert "Nhóm đào tạo cán bộ xã" not in _facts(_page(staff_client, recommendation)[0])
    with django_capture_on_commit_callbacks(execute=True):
        group_add_members(group=group, by=ministry_user, recommendations=[recommendation])
    assert "Nhóm đào tạo cán bộ xã" in _facts(_page(staff_client, recommendation)[0])


def test_a_renamed_user_shows_at_once_and_a_sign_in_empties_nothing(
    cached, client, ministry_user, django_capture_on_commit_callbacks
):
    recommendation = Recommendation.objects.exclude(status=Status.NEW).first()
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_add_note(
            recommendation=recommendation, by=ministry_user, comment="Đã làm việc với Sở."
        )
    before = reference.version()
    # A sign-in writes last_login only (Django's user_logged_in receiver): nothing cached
    # is emptied.
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(ministry_user)
    assert ministry_user.last_login is not None
    assert reference.version() == before
    _page(client, recommendation)
    _again, warm = _page(client, recommendation)
    with django_capture_on_commit_callbacks(execute=True):
        ministry_user.first_name, ministry_user.last_name = "Lan", "Nguyễn Thị"
        ministry_user.save()
    assert reference.version() != before
    page, cold = _page(client, recommendation)
    assert ministry_user.get_full_name() in page and cold > warm
