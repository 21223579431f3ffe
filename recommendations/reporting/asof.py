"""Every figure of the reports, the trends and the dashboard, **as of the end of a day**, from the
status history alone (the timeline is the source of truth).

Each history entry keeps the recommendation's state right after it (status, unit, due date, on
hold: ``StatusChange``'s snapshot columns). The state of a recommendation at the end of day D
(Asia/Ho_Chi_Minh) is therefore its last entry before midnight of D+1; changes made later never
reach a report as of D, which is what makes a report reproducible.

Cost: one query reads the entries up to the cut-off in (recommendation, time) order – three
short columns and four small ones – and Python folds them into each recommendation's state and
the monthly open/close events in one pass; one more reads the recommendations' fixed facts
(province, theme, delegation, received) and one the field links. 300,000 entries take about a
second on PostgreSQL (bench/RESULTS.md), and the same SQL runs on SQLite.

Approximations, said once here and in the README:
- fields, province, theme and delegation are today's (they are not in the history);
- entries written before the snapshot columns existed carry the recommendation's unit and due
  date of the day of the migration (migration 0008).
"""

import datetime
import math
import statistics
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models.functions import TruncDate
from django.utils.translation import gettext

from provinces.models import Province
from surveys.models import Delegation, Field, MinistryUnit, Theme

from ..filters import NOT_ASSIGNED
from ..models import OPEN_STATUSES, Recommendation, Status, StatusChange

#: Ageing of open recommendations, in days since received: (label, lowest, highest).
AGE_BUCKETS = [("0–30", 0, 30), ("31–90", 31, 90), ("91–180", 91, 180), (">180", 181, None)]
#: How a recommendation ends, in the order the report lists them.
OUTCOMES = [Status.ANSWERED, Status.RESOLVED, Status.NOT_ACCEPTED, Status.TRANSFERRED]


def zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Hanoi: entries strictly before it count."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone())


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True)
class Scope:
    """What a report covers: a period ending on ``as_of``, optionally narrowed."""

    as_of: datetime.date
    date_from: datetime.date | None = None
    survey_id: int | None = None
    province_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    field_ids: tuple[int, ...] = ()

    @property
    def start(self) -> datetime.date:
        return self.date_from or self.as_of.replace(month=1, day=1)


@dataclass
class State:
    """One recommendation at the end of the day: its fixed facts and its state from history."""

    pk: int
    province_id: int
    theme: str
    delegation_id: int | None
    received: datetime.date
    status: str = ""
    unit_id: int | None = None
    due_date: datetime.date | None = None
    on_hold: bool = False
    closed_on: datetime.date | None = None
    #: The day of the last entry (the annex's "last step").
    last_on: datetime.date | None = None
    last_was_note: bool = False
    field_ids: tuple[int, ...] = ()
    #: (day, +1 opened / -1 closed): the moves the monthly trend and the backlog count.
    moves: list = field(default_factory=list)

    #: Set once the history is folded (plain attributes: a report reads them a million times).
    is_open: bool = False
    #: Open, not on hold (waiting for a decision from above is not being late) and past due.
    is_overdue: bool = False

    def age(self, day: datetime.date) -> int:
        return (day - self.received).days

    @property
    def days_to_close(self) -> int | None:
        return (self.closed_on - self.received).days if self.closed_on else None

    @property
    def on_time(self) -> bool | None:
        """Closed by its due date; None when closed without one (left out of the rate)."""
        if self.closed_on is None or self.due_date is None:
            return None
        return self.closed_on <= self.due_date


@dataclass
class Row:
    """A line of a breakdown table: a group and its counts."""

    key: object
    label: str
    received: int = 0
    open: int = 0
    closed: int = 0
    overdue: int = 0
    on_hold: int = 0

    @property
    def closed_share(self) -> float | None:
        return self.closed / self.received if self.received else None


@dataclass
class UnitTiming:
    key: object
    label: str
    closed: int
    median_days: float | None
    p90_days: int | None
    with_due: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.with_due if self.with_due else None


@dataclass
class Month:
    month: datetime.date
    received: int
    closed: int
    backlog: int


@dataclass
class Figures:
    scope: Scope
    states: list[State]
    totals: dict[str, int]
    closed_by_outcome: list[tuple[str, int]]
    by_province: list[Row]
    by_unit: list[Row]
    by_field: list[Row]
    by_theme: list[Row]
    by_delegation: list[Row]
    ageing: list[tuple[str, int]]
    timing_by_unit: list[UnitTiming]
    months: list[Month]
    province_count: int = 0
    units: dict = field(default_factory=dict)

    def open_states(self) -> list[State]:
        return sorted((s for s in self.states if s.is_open), key=lambda s: (s.received, s.pk))

    def overdue_states(self) -> list[State]:
        return sorted((s for s in self.states if s.is_overdue), key=lambda s: (s.due_date, s.pk))


def nearest_rank(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile (no interpolation: a real recommendation's figure)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _recommendations(scope: Scope):
    rows = Recommendation.objects.filter(created_at__lt=end_of_day(scope.as_of))
    if scope.survey_id:
        rows = rows.filter(visit__survey_id=scope.survey_id)
    if scope.province_ids:
        rows = rows.filter(province_id__in=scope.province_ids)
    if scope.field_ids:
        links = Recommendation.fields.through.objects.filter(field_id__in=scope.field_ids)
        rows = rows.filter(pk__in=links.values("recommendation_id"))
    return rows


def _rows(queryset, batch=10_000):
    """The queryset's rows through a plain client-side cursor: psycopg keeps the result in
    libpq's compact form and converts a batch at a time (a server-side ``iterator()`` cursor
    declared WITH HOLD would copy the whole result once more before the first row)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
    connection = connections[queryset.db]
    # PostgreSQL returns dates and booleans as Python's own; converting 300,000 rows again
    # would cost more than the fold. SQLite returns a computed date as text: convert there.
    converters = None
    if connection.vendor != "postgresql":
        converters = compiler.get_converters(columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield from compiler.apply_converters(rows, converters) if converters else rows


def states_as_of(scope: Scope) -> list[State]:
    """Every recommendation in scope received by the end of ``scope.as_of``, in its state then."""
    tz = zone()
    cutoff = end_of_day(scope.as_of)
    chosen = _recommendations(scope)
    states: dict[int, State] = {}
    # Days in Hanoi computed by the database: parsing 400,000 timestamps in Python (Django's
    # time-zone-aware loader) cost more than the whole fold.
    facts = (
        chosen.order_by()
        .annotate(received=TruncDate("created_at", tzinfo=tz))
        .values_list("pk", "province_id", "theme", "visit__delegation_id", "received")
    )
    for pk, province_id, theme, delegation_id, received in _rows(facts):
        states[pk] = State(pk, province_id, theme, delegation_id, received)

    entries = StatusChange.objects.filter(changed_at__lt=cutoff)
    if scope.survey_id or scope.province_ids or scope.field_ids:
        entries = entries.filter(recommendation__in=chosen.values("pk"))
    columns = (
        entries.annotate(day=TruncDate("changed_at", tzinfo=tz))
        .order_by("recommendation_id", "changed_at", "id")
        .values_list(
            "recommendation_id", "from_status", "to_status", "responsible_unit_id", "due_date",
            "on_hold", "day",
        )
    )  # fmt: skip
    open_statuses = OPEN_STATUSES
    for pk, source, target, unit_id, due, on_hold, day in _rows(columns):
        state = states.get(pk)
        if state is None:
            continue
        # An open/closed move (the first entry opens, closing, reopening) is what the monthly
        # trend counts; notes and moves between two open statuses are not.
        now_open = target in open_statuses
        was_open = bool(state.status) and state.status in open_statuses
        if now_open != was_open or not state.status:
            if now_open != was_open:
                state.moves.append((day, 1 if now_open else -1))
            state.closed_on = None if now_open else day
        state.status, state.unit_id, state.due_date, state.on_hold = target, unit_id, due, on_hold
        state.last_on, state.last_was_note = day, source == target

    # A recommendation without a single entry yet (none should exist) has no state to report.
    kept = [state for state in states.values() if state.status]
    as_of = scope.as_of
    for state in kept:
        state.is_open = is_open = state.status in open_statuses
        due = state.due_date
        state.is_overdue = bool(is_open and not state.on_hold and due and due < as_of)
    if scope.unit_ids:
        kept = [state for state in kept if state.unit_id in scope.unit_ids]
    links = Recommendation.fields.through.objects.order_by()
    if len(kept) < 1000:
        links = links.filter(recommendation_id__in=[state.pk for state in kept])
    by_pk = {state.pk: state for state in kept}
    fields = defaultdict(list)
    for pk, field_id in _rows(links.values_list("recommendation_id", "field_id")):
        if pk in by_pk:
            fields[pk].append(field_id)
    for pk, ids in fields.items():
        by_pk[pk].field_ids = tuple(ids)
    return kept


def monthly(scope: Scope, states: list[State]) -> list[Month]:
    """Received, closed (by the day closed) and the backlog at the end of each month of the
    period. The backlog is counted from the open/close moves, so a reopened recommendation
    is back in it from the day it reopened."""
    months = months_between(scope.start, scope.as_of)
    first = months[0]
    received, closed, moves = Counter(), Counter(), Counter()
    opened_before = 0
    for state in states:
        received[month_start(state.received)] += 1
        for day, delta in state.moves:
            month = month_start(day)
            if month < first:
                opened_before += delta
            else:
                moves[month] += delta
            if delta < 0:
                closed[month] += 1
    result, backlog = [], opened_before
    for month in months:
        backlog += moves[month]
        result.append(Month(month, received[month], closed[month], backlog))
    return result


def _breakdown(states, key, groups, day) -> list[Row]:
    """Counts per group; ``groups`` is (key, label) in the order to show, every group kept."""
    rows = {group_key: Row(group_key, label) for group_key, label in groups}
    for state in states:
        for group_key in key(state):
            row = rows.get(group_key)
            if row is None:
                continue
            row.received += 1
            if state.is_open:
                row.open += 1
                row.overdue += state.is_overdue
                row.on_hold += state.on_hold
            else:
                row.closed += 1
    return list(rows.values())


def figures_as_of(scope: Scope) -> Figures:
    """Everything a report, the trends and the dashboard show, for ``scope``."""
    day = scope.as_of
    states = states_as_of(scope)
    units = {unit.pk: unit for unit in MinistryUnit.objects.all()}
    provinces = list(Province.objects.alphabetical())
    statuses = Counter(state.status for state in states)
    open_states = [state for state in states if state.is_open]
    totals = {
        "received": len(states),
        "received_in_period": sum(scope.start <= state.received <= day for state in states),
        "open": len(open_states),
        "closed": len(states) - len(open_states),
        "overdue": sum(state.is_overdue for state in open_states),
        "on_hold": sum(state.on_hold for state in open_states),
        "provinces": len({state.province_id for state in states}),
        "resolved": statuses[Status.RESOLVED],
    }
    unit_groups = [(pk, unit.name) for pk, unit in sorted(units.items(), key=lambda i: i[1].name)]
    used_units = {state.unit_id for state in states}
    unit_groups = [(pk, name) for pk, name in unit_groups if pk in used_units]
    unit_groups.append((None, str(NOT_ASSIGNED)))
    delegations = Delegation.objects.select_related("survey")
    if scope.survey_id:
        delegations = delegations.filter(survey_id=scope.survey_id)
    used_delegations = {state.delegation_id for state in states}
    delegation_groups = [
        (d.pk, f"{d.survey} – {d}") for d in delegations if d.pk in used_delegations
    ]
    delegation_groups.append((None, gettext("Delegation not named")))

    ageing = Counter()
    for state in open_states:
        age = state.age(day)
        for label, low, high in AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                ageing[label] += 1
                break
    by_unit_closed = defaultdict(list)
    for state in states:
        if not state.is_open and state.closed_on is not None:
            by_unit_closed[state.unit_id].append(state)
    timing = []
    for unit_key, label in unit_groups:
        closed = by_unit_closed.get(unit_key, [])
        days = [state.days_to_close for state in closed]
        dated = [state.on_time for state in closed if state.on_time is not None]
        timing.append(
            UnitTiming(
                unit_key,
                label,
                len(closed),
                statistics.median(days) if days else None,
                nearest_rank(days, 0.9),
                len(dated),
                sum(dated),
            )
        )
    return Figures(
        scope=scope,
        states=states,
        totals=totals,
        closed_by_outcome=[(status, statuses[status]) for status in OUTCOMES],
        by_province=_breakdown(
            states, lambda s: (s.province_id,), [(p.pk, p.name) for p in provinces], day
        ),
        by_unit=_breakdown(states, lambda s: (s.unit_id,), unit_groups, day),
        by_field=_breakdown(
            states, lambda s: s.field_ids, [(f.pk, f.name) for f in Field.objects.all()], day
        ),
        by_theme=_breakdown(
            states, lambda s: (s.theme,), [(t.value, str(t.label)) for t in Theme], day
        ),
        by_delegation=_breakdown(states, lambda s: (s.delegation_id,), delegation_groups, day),
        ageing=[(label, ageing[label]) for label, _low, _high in AGE_BUCKETS],
        timing_by_unit=timing,
        months=monthly(scope, states),
        province_count=len(provinces),
        units=units,
    )
