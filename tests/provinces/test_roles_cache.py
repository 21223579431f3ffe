"""Each user's groups kept in the shared cache (provinces/roles.py): one query fewer on every
page, and a role given or taken away counts from the next request – from either side of the
membership, or by renaming the group."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces import roles

pytestmark = pytest.mark.django_db

LIST = reverse("recommendations:list")


#: The cache the ``cached`` fixture (tests/conftest.py) turns on.
CACHE_ON = "USER_CACHE_SECONDS"


def _fresh(user):
    """The user as the next request loads them (nothing kept on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def _group_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    asked = sum('"auth_group"' in q["sql"] for q in captured.captured_queries)
    return response.content.decode(), asked


def test_the_groups_are_asked_once_then_kept(cached, staff_client):
    _page, first = _group_queries(staff_client)
    _page, second = _group_queries(staff_client)
    assert first == 1 and second == 0


def test_a_role_taken_away_counts_from_the_next_request(
    cached, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    page, _asked = _group_queries(staff_client)
    assert 'id="bulk-form"' in page  # ministry staff get the bulk bar
    staff = Group.objects.get(name=roles.MINISTRY_STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        ministry_user.groups.remove(staff)
    page, asked = _group_queries(staff_client)
    assert 'id="bulk-form"' not in page and asked == 1
    assert not roles.is_ministry_staff(_fresh(ministry_user))


def test_memberships_from_the_groups_side_and_renamed_groups_count_at_once(
    cached, ministry_user, django_capture_on_commit_callbacks
):
    staff = Group.objects.get(name=roles.MINISTRY_STAFF)
    assert roles.is_ministry_staff(_fresh(ministry_user))
    with django_capture_on_commit_callbacks(execute=True):
        staff.user_set.remove(ministry_user)
    assert not roles.is_ministry_staff(_fresh(ministry_user))
    with django_capture_on_commit_callbacks(execute=True):
        staff.user_set.add(ministry_user)
    assert roles.is_ministry_staff(_fresh(ministry_user))
    with django_capture_on_commit_callbacks(execute=True):
        staff.name = "Cán bộ Bộ (cũ)"
        staff.save()
    assert not roles.is_ministry_staff(_fresh(ministry_user))


def test_an_officer_keeps_their_own_province_only(cached, officer_qn, officer_bn):
    """Kept per user: one officer's groups never answer for another."""
    first, second = _fresh(officer_qn), _fresh(officer_bn)
    assert roles.officer_province_id(first) == officer_qn.provincial_officer.province_id
    assert roles.officer_province_id(second) == officer_bn.provincial_officer.province_id
