import itertools

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from recommendations.lifecycle import get_transition
from recommendations.models import Recommendation, StatusChange
from surveys.models import Finding, Survey, Visit

pytestmark = pytest.mark.django_db


def _generate(**options):
    call_command(
        "generate_synthetic_data",
        "--recommendations",
        "400",
        "--status-changes",
        "1200",
        "--campaigns",
        "2",
        verbosity=0,
        **options,
    )


@override_settings(DEBUG=True)
def test_synthetic_data_is_marked_and_follows_the_lifecycle():
    real_recommendations = Recommendation.objects.count()
    _generate()
    synthetic = Recommendation.objects.filter(key__startswith="syn-")
    assert synthetic.count() == 400
    assert Recommendation.objects.count() == real_recommendations + 400
    assert set(
        Survey.objects.filter(slug__startswith="synthetic-").values_list("title", flat=True)
    ) == {
        "[Dữ liệu giả lập] Đợt khảo sát năm 2026",
        "[Dữ liệu giả lập] Đợt khảo sát năm 2027",
    }
    assert not synthetic.exclude(source__file_name="synthetic").exists()
    changes = StatusChange.objects.filter(recommendation__in=synthetic).count()
    assert 1100 <= changes <= 1300
    # Visits down to commune level: more visits than provinces in each campaign.
    assert Visit.objects.filter(key__startswith="syn-2026-").count() > 34
    for recommendation in synthetic.prefetch_related("history")[:100]:
        steps = [entry for entry in recommendation.history.all() if not entry.is_note]
        assert steps[0].from_status == "" and steps[0].to_status == "new"
        for before, after in itertools.pairwise(steps):
            assert get_transition(before.to_status, after.to_status), recommendation.key
        assert steps[-1].to_status == recommendation.status
        assert recommendation.updated_at == max(e.changed_at for e in recommendation.history.all())


@override_settings(DEBUG=True)
def test_purge_removes_synthetic_rows_only():
    before = (Recommendation.objects.count(), Finding.objects.count(), Visit.objects.count())
    _generate()
    call_command("generate_synthetic_data", "--purge", verbosity=0)
    after = (Recommendation.objects.count(), Finding.objects.count(), Visit.objects.count())
    assert after == before
    assert not Survey.objects.filter(slug__startswith="synthetic-").exists()


@override_settings(DEBUG=False)
def test_refuses_a_production_database_unless_told():
    with pytest.raises(CommandError, match="production"):
        _generate()
    assert not Recommendation.objects.filter(key__startswith="syn-").exists()
