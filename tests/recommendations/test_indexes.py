"""The triage list's filters are served by indexes (PostgreSQL plans)."""

import pytest
from django.db import connection
from django.http import QueryDict

from recommendations.filters import RecommendationFilter
from recommendations.models import Recommendation
from surveys.models import Delegation, MinistryUnit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are checked on PostgreSQL, the production database",
    ),
]


def _plan(params) -> str:
    filterset = RecommendationFilter(data=QueryDict(params), queryset=Recommendation.objects.all())
    assert filterset.is_valid(), filterset.errors
    queryset = filterset.qs.order_by().values("pk")
    with connection.cursor() as cursor:
        # The seeded tables are tiny, so the planner would rightly scan them whole; forbid
        # that to see whether an index can serve the condition at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_check_tells_an_unindexed_condition():
    queryset = Recommendation.objects.filter(resolution_note="x").values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "Index Cond" not in plan


@pytest.mark.parametrize(
    ("params", "served_by"),
    [
        ("province=22&province=24", "Index Cond: (province_id = "),
        ("status=reported&status=assigned", "rec_status_due_idx"),
        ("state=open", "rec_status_due_idx"),
        ("overdue=yes", "rec_status_due_idx"),
        ("responsible_unit=null", "Index Cond: (responsible_unit_id IS NULL)"),
        ("priority=40", "rec_priority_idx"),  # an Index or Bitmap Index Scan
        ("theme=legal", "rec_theme_idx"),
        ("due_after=01/10/2025", "rec_due_idx"),
        ("due_before=01/10/2025", "rec_due_idx"),
        ("created_after=01/10/2025", "rec_created_idx"),
        ("created_before=01/10/2025", "rec_created_idx"),
        ("field=digital-transformation", "Index Cond: (field_id = "),
    ],
)
def test_each_filter_uses_an_index(params, served_by):
    plan = _plan(params)
    assert served_by in plan, plan


def test_unit_and_delegation_filters_use_an_index():
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    assert "Index Cond: (responsible_unit_id = " in _plan(f"responsible_unit={unit.pk}")
    delegation = Delegation.objects.get(number=2)
    plan = _plan(f"delegation={delegation.pk}")
    assert "Index Cond: (delegation_id = " in plan
    assert "Index Cond: (visit_id = " in plan


def test_the_oldest_open_are_read_in_order_from_an_index():
    # Many rows share one creation time (an import): an index serves the order (created_at, id)
    # itself, so the open rows need not all be sorted (asked with sorting discouraged: a seed's
    # few rows are cheaper to sort; 100,000 are not – bench/RESULTS.md).
    queryset = Recommendation.objects.oldest_open().values("pk")[:5]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        plan = queryset.explain()
    assert "rec_created_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_no_filter_adds_a_distinct_it_does_not_need():
    # Provinces and statuses are columns of the row: no duplicates to remove, so no
    # DISTINCT (which would sort every selected column of the list).
    assert "Unique" not in _plan("province=22&status=reported&state=open")
