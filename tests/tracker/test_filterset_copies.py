"""tracker.filters.FilterSet copies its filters one level deep: each list request still gets
filters of its own, bound to its own FilterSet, and the class's filters are never touched."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from recommendations.filters import RecommendationFilter
from recommendations.models import Recommendation, Status

pytestmark = pytest.mark.django_db


def _filterset(user, query):
    request = RequestFactory().get("/")
    request.user = user
    return RecommendationFilter(QueryDict(query), Recommendation.objects.all(), request=request)


def test_each_filterset_has_its_own_filters(ministry_user, officer_qn):
    staff = _filterset(ministry_user, "state=open&mine=unit")
    officer = _filterset(officer_qn, "state=closed")
    base = RecommendationFilter.base_filters
    for name in ("state", "province", "status"):
        assert staff.filters[name] is not base[name] is not officer.filters[name]
        assert staff.filters[name].parent is staff and officer.filters[name].parent is officer
        assert getattr(base[name], "parent", None) is None
        assert staff.filters[name].extra is not base[name].extra
    # A method filter calls the method of its own FilterSet (the user's units for "mine").
    assert staff.filters["mine"].filter.method.__self__ is staff
    assert officer.filters["state"].filter.method.__self__ is officer
    # Dropping a filter for one user leaves it for the others.
    assert "mine" not in officer.filters and "mine" in base and "scope" not in staff.filters


def test_the_copies_filter_as_django_filter_did(ministry_user, officer_qn):
    reported = _filterset(ministry_user, "state=open&status=reported").qs
    assert reported.exists()
    assert set(reported) == set(Recommendation.objects.open().filter(status=Status.REPORTED))
    assert not _filterset(ministry_user, "state=closed").qs.exists()  # the seed: all open
    # The officer's own province by default, through the method of their own set.
    province = officer_qn.provincial_officer.province
    assert set(_filterset(officer_qn, "").qs) == set(province.recommendations.all())
