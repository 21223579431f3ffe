"""Figures as of a date, from the history: against a hand-computed history, against today's
live counts, and unchanged by later work."""

import datetime

import pytest
from django.utils import timezone

from recommendations.models import Recommendation, Status, StatusChange
from recommendations.reporting.asof import Scope, figures_as_of, nearest_rank
from recommendations.services import recommendation_transition
from surveys.models import MinistryUnit

from .reporting_history import AS_OF, UNIT_1, UNIT_2, build_history, hanoi_scope, on

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(ministry_user):
    return build_history(ministry_user)


def test_history_entries_keep_the_state_after_them(history):
    entries = list(history["A"].history.order_by("changed_at", "id"))
    # One triage, one entry: the move to assigned carries the unit and the due date.
    assert [e.to_status for e in entries] == ["new", "assigned", "resolved"]
    assert entries[0].responsible_unit is None and entries[0].due_date is None
    assert entries[-1].responsible_unit.name == UNIT_1
    assert entries[-1].due_date == datetime.date(2026, 2, 28)


def test_totals_match_the_hand_computed_history(history):
    figures = figures_as_of(hanoi_scope())
    assert figures.totals["received"] == 5
    assert figures.totals["received_in_period"] == 5
    assert figures.totals["open"] == 2
    assert figures.totals["closed"] == 3
    assert figures.totals["overdue"] == 1
    assert figures.totals["on_hold"] == 0
    assert dict(figures.closed_by_outcome)[Status.RESOLVED] == 2
    assert dict(figures.closed_by_outcome)[Status.ANSWERED] == 1
    assert dict(figures.ageing) == {"0–30": 1, "31–90": 1, "91–180": 0, ">180": 0}


def test_monthly_trend_counts_closing_by_the_day_closed(history):
    months = figures_as_of(hanoi_scope()).months
    assert [(m.month.month, m.received, m.closed, m.backlog) for m in months] == [
        (1, 3, 1, 2),
        (2, 1, 1, 2),
        (3, 1, 1, 2),
    ]


def test_days_to_close_and_on_time_rate_by_unit(history):
    timing = {row.label: row for row in figures_as_of(hanoi_scope()).timing_by_unit}
    unit = timing[UNIT_1]
    assert unit.closed == 2
    assert unit.median_days == 50  # 46 and 54
    assert unit.p90_days == 54
    assert (unit.with_due, unit.on_time, unit.on_time_rate) == (2, 1, 0.5)
    assert timing[UNIT_2].closed == 0 and timing[UNIT_2].on_time_rate is None


def test_an_earlier_day_sees_the_state_of_that_day(history):
    figures = figures_as_of(hanoi_scope(as_of=datetime.date(2026, 2, 15)))
    assert figures.totals["received"] == 4  # D came in March
    assert figures.totals["open"] == 3  # A, B, C; E answered
    # B was due 10/02: overdue on the 15th; C is due that very day: not yet.
    assert [s.pk for s in figures.overdue_states()] == [history["B"].pk]
    units = {row.label: row.open for row in figures.by_unit}
    assert units[UNIT_1] == 2 and units[UNIT_2] == 1


def test_the_end_of_the_day_is_midnight_in_hanoi(history):
    # A was resolved 20/02 at 15:00 Hanoi time: closed as of the 20th, open as of the 19th.
    closed_20 = figures_as_of(hanoi_scope(as_of=datetime.date(2026, 2, 20)))
    open_19 = figures_as_of(hanoi_scope(as_of=datetime.date(2026, 2, 19)))
    assert closed_20.totals["closed"] - open_19.totals["closed"] == 1


def test_a_past_date_is_unchanged_by_later_work(history):
    before = figures_as_of(hanoi_scope())
    with on("02/04/2026"):
        recommendation_transition(
            recommendation=history["C"],
            to_status=Status.RESOLVED,
            by=None,
            resolution_note="Xong.",
        )
        recommendation_transition(
            recommendation=history["A"], to_status=Status.IN_PROGRESS, by=None, comment="Mở lại."
        )
    after = figures_as_of(hanoi_scope())
    assert after.totals == before.totals
    assert after.months == before.months
    assert [r.__dict__ for r in after.by_unit] == [r.__dict__ for r in before.by_unit]
    assert after.timing_by_unit == before.timing_by_unit


def test_today_matches_the_live_figures(history):
    today = timezone.localdate()
    figures = figures_as_of(Scope(as_of=today, date_from=datetime.date(2025, 1, 1)))
    live = Recommendation.objects.all()
    assert figures.totals["received"] == live.count()
    assert figures.totals["open"] == live.open().count()
    assert figures.totals["overdue"] == live.overdue(today).count()
    resolved = live.filter(status="resolved").count()
    assert dict(figures.closed_by_outcome)[Status.RESOLVED] == resolved
    by_province = {row.key: row.received for row in figures.by_province}
    assert by_province == {p.pk: n for p, n in live.count_by_province()}
    by_unit = {row.key: row.received for row in figures.by_unit if row.received}
    assert by_unit == {(u.pk if u else None): n for u, n in live.count_by_unit()}
    assert {row.key: row.received for row in figures.by_field} == {
        f.pk: n for f, n in live.count_by_field()
    }
    assert len(figures.by_province) == 34
    assert figures.months[-1].backlog == live.open().count()


def test_unit_filter_uses_the_unit_of_that_day(history):
    unit_2 = MinistryUnit.objects.get(name=UNIT_2)
    scope = hanoi_scope()
    figures = figures_as_of(
        type(scope)(as_of=AS_OF, date_from=scope.date_from, unit_ids=(unit_2.pk,))
    )
    assert [s.pk for s in figures.states] == [history["C"].pk]


def test_nearest_rank():
    assert nearest_rank([], 0.9) is None
    assert nearest_rank([5], 0.9) == 5
    assert nearest_rank(list(range(1, 11)), 0.9) == 9


def test_every_entry_written_by_an_import_keeps_the_state(history):
    # The bulk writer shares the snapshot with ``_record``; spot-check its row shape.
    from recommendations.services import HISTORY_COLUMNS, _entry

    row = _entry(history["C"], "a", "b", None, timezone.now(), "")
    assert dict(zip(HISTORY_COLUMNS, row, strict=True))["responsible_unit"] == (
        history["C"].responsible_unit_id
    )
    assert StatusChange.objects.filter(recommendation=history["C"]).last().on_hold is False


def test_the_migration_gives_old_entries_the_current_unit_and_due_date(history):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "recommendations.migrations.0008_backfill_statuschange_state"
    )
    StatusChange.objects.update(responsible_unit=None, due_date=None)
    migration.backfill(apps, None)
    entry = StatusChange.objects.filter(recommendation=history["B"]).first()
    assert entry.responsible_unit.name == UNIT_1
    assert entry.due_date == datetime.date(2026, 2, 10)
    assert StatusChange.objects.filter(recommendation=history["D"]).first().due_date is None
