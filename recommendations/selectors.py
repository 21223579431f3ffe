"""Reads that count recommendations over the rows of the apps below (provinces, delegations).

They live here, not on the lower apps' querysets, because only this app knows recommendations.
"""

from django.db.models import OuterRef
from django.utils import timezone

from surveys.models import Finding, Visit
from tracker.db import SubqueryCount

from .models import Recommendation


def provinces_with_counts(queryset, *, today=None):
    """Annotate ``obstacle_count``, ``recommendation_count``, ``open_count`` and
    ``overdue_count`` on provinces, one subquery each (joining both relations would multiply
    rows)."""
    recommendations = Recommendation.objects.filter(province=OuterRef("pk"))
    return queryset.annotate(
        obstacle_count=SubqueryCount(Finding.objects.obstacles().filter(province=OuterRef("pk"))),
        recommendation_count=SubqueryCount(recommendations),
        open_count=SubqueryCount(recommendations.open()),
        overdue_count=SubqueryCount(recommendations.overdue(today or timezone.localdate())),
    )


def delegations_with_counts(queryset):
    """Annotate ``visit_count``, ``obstacle_count`` and ``recommendation_count`` on delegations
    (one subquery each, so the counts do not multiply)."""
    return queryset.annotate(
        visit_count=SubqueryCount(Visit.objects.filter(delegation=OuterRef("pk"))),
        obstacle_count=SubqueryCount(
            Finding.objects.obstacles().filter(visit__delegation=OuterRef("pk"))
        ),
        recommendation_count=SubqueryCount(
            Recommendation.objects.filter(visit__delegation=OuterRef("pk"))
        ),
    )
