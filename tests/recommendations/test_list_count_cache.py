"""The triage list's count kept in the cache per filter: paging through a list counts it once;
a committed change, another filter, another day or a user-relative filter counts again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import roles
from recommendations.models import Recommendation
from tests.conftest import assign_a_reported_one, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("recommendations:list")


#: The cache the ``cached`` fixture (tests/conftest.py) turns on.
CACHE_ON = "LIST_COUNT_CACHE_SECONDS"


def _count(client, params) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, params)
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    return response.context["paginator"].count, counts


def test_paging_through_a_list_counts_it_once(cached, staff_client):
    total, counted = _count(staff_client, {"page_size": 5})
    assert total == Recommendation.objects.count() and len(counted) == 1
    again, counted = _count(staff_client, {"page_size": 5, "page": 2})
    assert again == total and counted == []
    reported, counted = _count(staff_client, {"status": "reported"})
    assert reported == Recommendation.objects.filter(status="reported").count()
    assert len(counted) == 1  # another filter, another count


def test_a_committed_move_is_counted(
    cached, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    before, _queries = _count(staff_client, {"status": "assigned"})
    with django_capture_on_commit_callbacks(execute=True):
        assign_a_reported_one(by=ministry_user)
    after, counted = _count(staff_client, {"status": "assigned"})
    assert after == before + 1 and len(counted) == 1


def test_my_units_and_my_work_are_counted_every_time(cached, staff_client):
    for params in ({"mine": "unit"}, {"work": "overdue"}):
        _count(staff_client, params)
        _total, counted = _count(staff_client, params)
        assert len(counted) == 1, params


def test_officers_and_staff_each_get_their_own_count(cached, client, officer_qn, officer_bn):
    """The same address lists an officer's own province by default: the count kept for one
    user must never be shown to another whose rows differ."""
    expected = {
        officer: Recommendation.objects.filter(province=officer.provincial_officer.province).count()
        for officer in (officer_qn, officer_bn)
    }
    assert expected[officer_qn] != expected[officer_bn]
    staff_total = None
    for user in (officer_qn, officer_bn, None, officer_qn):
        client.logout()
        if user is None:
            client.force_login(make_user("staff-count", roles.MINISTRY_STAFF))
            staff_total, _counted = _count(client, {})
            continue
        client.force_login(user)
        total, _counted = _count(client, {})
        assert total == expected[user]
    assert staff_total == Recommendation.objects.count()
