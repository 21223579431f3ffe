"""Vietnamese working days: the one place that knows which days count.

A working day is Monday to Friday, minus the public holidays (the ``holidays`` package's
Vietnam calendar, which computes the lunar ones – Tết, the Hùng Kings), minus the extra days off
the Government adds, plus the Saturdays it declares worked in exchange (ngày làm bù). The last
two are ``CalendarDay`` rows admins edit ("Lịch làm việc").

A period starts the day after the event (Civil Code: the first day is not counted), so
``add_working_days(Tuesday 1/12/2026, 30)`` is Wednesday 13/1/2027.

Each year's set of days off is computed once per process and kept until an admin edits the
calendar (a version number in the shared cache tells every process to recompute). The version
is read from the shared cache at most every ``VERSION_TTL`` seconds, not once per day counted:
a list page says what 50 due dates mean, each counted day by day, and with Redis as the cache a
lookup per day would be a network round trip per day.
"""

import bisect
import datetime
import time
from functools import lru_cache

import holidays

from tracker.versions import SharedVersion

CACHE_VERSION_KEY = "workdays:version"
_CALENDAR_VERSION = SharedVersion(CACHE_VERSION_KEY)
#: How long a process trusts the version it read (another process's edit shows within it).
VERSION_TTL = 2.0
_seen = {"version": 0, "at": float("-inf")}


def version() -> int:
    """Raised whenever an admin edits the calendar or the deadline rules."""
    now = time.monotonic()
    if now - _seen["at"] >= VERSION_TTL:
        _seen["version"], _seen["at"] = _CALENDAR_VERSION.get(), now
    return _seen["version"]


def calendar_changed() -> None:
    """Called when an admin edits the calendar: every process recomputes its years."""
    _CALENDAR_VERSION.bump()
    _seen["at"] = float("-inf")  # this process reads the new version at once
    _year.cache_clear()
    _sorted_year.cache_clear()


@lru_cache(maxsize=64)
def _year(year: int, version: int) -> tuple[frozenset, frozenset]:
    """(days off on weekdays, worked weekend days) of ``year``."""
    from .models import CalendarDay  # the models import nothing from here

    country = holidays.country_holidays("VN", years=year)
    off = {day for day in country if day.weekday() < 5}
    worked = {day for day in getattr(country, "weekend_workdays", ()) if day.year == year}
    for row in CalendarDay.objects.filter(date__year=year):
        if row.kind == CalendarDay.Kind.DAY_OFF:
            off.add(row.date)
            worked.discard(row.date)
        else:
            worked.add(row.date)
            off.discard(row.date)
    return frozenset(off), frozenset(worked)


def is_working_day(day: datetime.date) -> bool:
    off, worked = _year(day.year, version())
    if day in worked:
        return True
    return day.weekday() < 5 and day not in off


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day on which ``days`` working days counted from ``start`` end (``start`` itself
    is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` comes
    first. ``working_days_between(d, add_working_days(d, n)) == n``.

    Counted, not walked: the weekdays in the span by arithmetic, minus the days off that fall
    on weekdays, plus the worked weekend days, each found by bisection in the year's sorted
    list – a list page asks this for each of its 50 rows, and overdue rows span years."""
    if end < start:
        return -working_days_between(end, start)
    count = _weekdays_through(end) - _weekdays_through(start)
    current = version()
    for year in range(start.year, end.year + 1):
        off, worked = _sorted_year(year, current)
        count -= _in_span(off, start, end) - _in_span(worked, start, end)
    return count


def _weekdays_through(day: datetime.date) -> int:
    """Weekdays from 1/1/0001 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _in_span(days: tuple, start: datetime.date, end: datetime.date) -> int:
    """How many of the sorted ``days`` fall after ``start`` and up to ``end``."""
    return bisect.bisect_right(days, end) - bisect.bisect_right(days, start)


@lru_cache(maxsize=64)
def _sorted_year(year: int, version: int) -> tuple[tuple, tuple]:
    """(days off falling on weekdays, worked days falling on weekends) of ``year``, sorted: the
    corrections to a plain Monday–Friday count."""
    off, worked = _year(year, version)
    return (
        tuple(sorted(day for day in off if day.weekday() < 5)),
        tuple(sorted(day for day in worked if day.weekday() >= 5)),
    )
