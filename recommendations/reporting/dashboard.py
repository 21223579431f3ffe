"""The dashboard's trends and its picture of a past day, from ``asof``.

``figures_as_of`` folds the whole history (over a second of CPU at 300,000 entries), too much
for a page: the small summary the dashboard needs is cached – a past day for a day (its history
no longer changes), today's refreshed every five minutes by the beat
(``reports.warm_dashboard``; the trend lines may lag a few minutes behind the cards, which are
counted live). The lists the charts link to show today's state of the recommendations they
select (received in a month, closed in a month, open and received in an age band); the counts
match those of today's picture.
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django import forms
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from provinces.models import Province
from surveys.models import Field
from tracker.filters import DateInput

from ..filters import NOT_ASSIGNED
from ..models import Recommendation, Status
from . import charts
from .asof import AGE_BUCKETS, Month, Scope, figures_as_of, month_start, next_month, zone
from .numbers import vn_date

# Today's is refreshed every five minutes by the beat; kept ten, so it never runs out between.
TODAY_SECONDS, PAST_SECONDS = 600, 24 * 3600
TREND_MONTHS = 36  # the longest trend drawn: three campaigns


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of (dd/mm/yyyy)"),
        required=False,
        widget=DateInput,
        help_text=_("The overview as it stood at the end of that day."),
    )

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Choose a day that has passed: today or before."))
        return day


@dataclass
class Summary:
    """What the dashboard shows for a day: small enough to cache."""

    day: datetime.date
    totals: dict
    by_status: list
    by_province: list
    by_field: list
    by_unit: list
    by_theme: list
    months: list
    ageing: list
    timing: list
    oldest_open: list


def _start(day) -> datetime.date:
    first = Recommendation.objects.aggregate(first=Min("created_at"))["first"]
    first_day = first.astimezone(zone()).date() if first else day
    earliest = month_start(day)
    for _month in range(TREND_MONTHS - 1):
        earliest = month_start(earliest - datetime.timedelta(days=1))
    return max(min(first_day, day), earliest)


def summary(day: datetime.date, *, refresh: bool = False) -> Summary:
    """The day's figures, cached (see the module's docstring); ``refresh`` computes them again
    (the beat's ``reports.warm_dashboard`` does so for today every five minutes)."""
    today = timezone.localdate()
    key = f"dashboard-asof:{day.isoformat()}:{translation.get_language()}"
    cached = None if refresh else cache.get(key)
    if cached is not None:
        return cached
    figures = figures_as_of(Scope(as_of=day, date_from=_start(day)))
    statuses = {status: 0 for status in Status}
    for state in figures.states:
        statuses[Status(state.status)] += 1
    result = Summary(
        day=day,
        totals=figures.totals,
        by_status=list(statuses.items()),
        by_province=[(r.key, r.label, r.received) for r in figures.by_province],
        by_field=[(r.key, r.label, r.received) for r in figures.by_field],
        by_unit=[(r.key, r.label, r.received) for r in figures.by_unit if r.received],
        by_theme=[(r.key, r.label, r.received) for r in figures.by_theme],
        months=figures.months,
        ageing=figures.ageing,
        timing=[
            (t.key, t.label, t.median_days, t.p90_days, t.closed, t.on_time_rate)
            for t in figures.timing_by_unit
            if t.closed
        ],
        oldest_open=[state.pk for state in figures.open_states()[:5]],
    )
    cache.set(key, result, TODAY_SECONDS if day >= today else PAST_SECONDS)
    return result


def _month_range(month: Month) -> dict:
    last = next_month(month.month) - datetime.timedelta(days=1)
    return {"after": vn_date(month.month), "before": vn_date(last)}


def trends(result: Summary, link) -> dict:
    """The trend charts and their tables; ``link(**filters)`` is the list URL for a filter."""
    day = result.day

    def received(month):
        bounds = _month_range(month)
        return link(created_after=bounds["after"], created_before=bounds["before"])

    def closed(month):
        bounds = _month_range(month)
        return link(closed_after=bounds["after"], closed_before=bounds["before"])

    def backlog(month):
        return link(state="open", created_before=bounds_end(month))

    def bounds_end(month):
        return vn_date(min(day, next_month(month.month) - datetime.timedelta(days=1)))

    monthly = charts.monthly_chart(
        result.months,
        received_url=received,
        closed_url=closed,
        backlog_url=backlog,
        label=lambda month: month.month.strftime("%m/%Y"),
    )
    ageing_rows = []
    for (label, low, high), (_label, count) in zip(AGE_BUCKETS, result.ageing, strict=True):
        filters = {"state": "open"}
        filters["created_before"] = vn_date(day - datetime.timedelta(days=low))
        if high is not None:
            filters["created_after"] = vn_date(day - datetime.timedelta(days=high))
        ageing_rows.append((label, count, link(**filters)))
    timing_rows = [
        (
            name,
            median,
            link(responsible_unit=key if key is not None else "null", state="closed"),
            p90,
            closed_count,
            rate,
        )
        for key, name, median, p90, closed_count, rate in result.timing
    ]
    return {
        "monthly_chart": monthly,
        "months": [(m, received(m), closed(m), backlog(m)) for m in result.months],
        "ageing_chart": charts.bar_chart([(f"{label}", n, url) for label, n, url in ageing_rows]),
        "ageing_rows": ageing_rows,
        "timing_rows": timing_rows,
        "timing_largest": max([row[1] or 0 for row in timing_rows] or [0]),
        "not_assigned": NOT_ASSIGNED,
    }


def as_of_context(day, link, bars) -> dict:
    """Every number of the overview as it stood at the end of ``day``, from the history. A
    number links to the list of the recommendations received by then (in today's state);
    ``bars`` is the overview's own bar maker."""
    result = summary(day)
    until = day.strftime("%d/%m/%Y")
    day_before = (day - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    before = partial(link, created_before=until)
    totals = result.totals
    oldest = Recommendation.objects.for_list().in_bulk(result.oldest_open)
    return {
        "cards": [
            ("total", totals["received"], before()),
            ("open", totals["open"], before(state="open")),
            ("overdue", totals["overdue"], before(state="open", due_before=day_before)),
            ("resolved", totals["resolved"], before(status=Status.RESOLVED)),
        ],
        "by_status": bars(
            (status.label, count, before(status=status.value)) for status, count in result.by_status
        ),
        "by_province": bars(
            (name, count, before(province=code))
            for (pk, name, count), code in zip(
                result.by_province, _province_codes(result.by_province), strict=True
            )
        ),
        "by_field": bars(
            (name, count, before(field=code))
            for (pk, name, count), code in zip(
                result.by_field, _field_codes(result.by_field), strict=True
            )
        ),
        "by_unit": bars(
            (name, count, before(responsible_unit=pk if pk is not None else "null"))
            for pk, name, count in result.by_unit
        ),
        "by_theme": bars((name, count, before(theme=key)) for key, name, count in result.by_theme),
        "oldest_open": [oldest[pk] for pk in result.oldest_open if pk in oldest],
        "oldest_open_url": before(state="open", ordering="created"),
    }


def _province_codes(rows):
    codes = dict(Province.objects.values_list("pk", "code"))
    return [codes[pk] for pk, _name, _count in rows]


def _field_codes(rows):
    codes = dict(Field.objects.values_list("pk", "code"))
    return [codes[pk] for pk, _name, _count in rows]
