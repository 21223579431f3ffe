"""Issue 12: a recommendation page's suggestions kept in the shared cache (SIMILAR_CACHE_SECONDS)
are the ones computed, cost one query to show again, and never show a suggestion closed since."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import Recommendation, Status
from recommendations.similarity import similar_to

pytestmark = pytest.mark.django_db

BAC_NINH_TRAINING = "2025-bac-ninh-kn-02"
HAI_PHONG_TRAINING = "2025-hai-phong-kn-03"


#: The cache the ``cached`` fixture (tests/conftest.py) turns on.
CACHE_ON = "SIMILAR_CACHE_SECONDS"


def _keys(found):
    return [(item.recommendation.key, item.score, item.earlier) for item in found]


def test_the_cache_gives_what_was_computed_for_one_query(cached, settings):
    recommendation = Recommendation.objects.get(key=BAC_NINH_TRAINING)
    settings.SIMILAR_CACHE_SECONDS = 0
    computed = _keys(similar_to(recommendation))
    settings.SIMILAR_CACHE_SECONDS = 300
    assert _keys(similar_to(recommendation)) == computed  # computed, then kept
    with CaptureQueriesContext(connection) as queries:
        again = similar_to(recommendation)
    assert _keys(again) == computed
    assert len(queries) == 1  # the rows read again, nothing ranked
    assert HAI_PHONG_TRAINING in [key for key, _score, _earlier in computed]


def test_a_suggestion_closed_meanwhile_is_not_shown_from_the_cache(cached):
    recommendation = Recommendation.objects.get(key=BAC_NINH_TRAINING)
    similar_to(recommendation)
    # Written behind the signals' back (as a bulk import writes): the cached ids are read again
    # and the closed one left out.
    Recommendation.objects.filter(key=HAI_PHONG_TRAINING).update(
        status=Status.RESOLVED, resolution_note="Đã tổ chức tập huấn."
    )
    keys = [item.recommendation.key for item in similar_to(recommendation)]
    assert HAI_PHONG_TRAINING not in keys


def test_a_new_version_of_the_recommendation_computes_again(cached):
    recommendation = Recommendation.objects.get(key=BAC_NINH_TRAINING)
    similar_to(recommendation)
    recommendation.version += 1
    with CaptureQueriesContext(connection) as queries:
        similar_to(recommendation)
    assert len(queries) >= 1
    assert any("LIKE" in query["sql"] or "similarity" in query["sql"] for query in queries)
