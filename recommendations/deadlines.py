"""Deadlines in working days: the default due date by priority, and what a due date means.

Every path that assigns a unit (the page, bulk, the import, the API) asks
``default_due_date`` when no due date was given, and writes ``rule_note`` to the history.
Overdue stays derived (``RecommendationQuerySet.overdue``); this module only words it.
"""

import datetime
from functools import lru_cache

from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import workdays
from .models import CalendarDay, DeadlineRule, Priority

#: The issue's defaults, used when an admin deleted a rule (the migration creates the rows).
DEFAULT_WORKING_DAYS = {
    Priority.URGENT: 10,
    Priority.HIGH: 20,
    Priority.NORMAL: 30,
    Priority.LOW: 60,
}

#: Unit staff are reminded of what falls due within this many working days.
DUE_SOON_DAYS = 5
#: Overdue by more than this many working days goes to the unit's leaders too.
ESCALATION_DAYS = 10


@lru_cache(maxsize=8)
def _rules(version: int) -> dict[int, int]:
    return dict(DeadlineRule.objects.values_list("priority", "working_days"))


def rule_days(priority: int) -> int:
    """The rule's working days for ``priority`` (read once per process until an admin edits
    the rules: an import asks it for every row)."""
    days = _rules(workdays.version()).get(priority)
    return days or DEFAULT_WORKING_DAYS.get(priority, 30)


def default_due_date(*, priority: int, assigned_on: datetime.date | None = None) -> datetime.date:
    """The due date the rule gives a recommendation of ``priority`` assigned on ``assigned_on``
    (today by default), counted in working days from the day after."""
    return workdays.add_working_days(assigned_on or timezone.localdate(), rule_days(priority))


def rule_note(priority: int) -> str:
    """The history's words for a due date set by the rule."""
    days = rule_days(priority)
    return ngettext(
        "Due date by the rule: %(days)d working day",
        "Due date by the rule: %(days)d working days",
        days,
    ) % {"days": days}


def apply_rule(recommendation, *, today: datetime.date | None = None) -> str | None:
    """Give ``recommendation`` the rule's due date if it has none; returns the history text, or
    None when it already had a due date. The caller saves ``due_date``."""
    if recommendation.due_date is not None:
        return None
    recommendation.due_date = default_due_date(
        priority=recommendation.priority, assigned_on=today or timezone.localdate()
    )
    return f"{rule_note(recommendation.priority)} ({recommendation.due_date:%d/%m/%Y})"


def check_not_past(due_date: datetime.date | None, *, today=None) -> str | None:
    """The refusal for a typed due date already past, or None."""
    if due_date is not None and due_date < (today or timezone.localdate()):
        return _("The due date %(date)s has already passed: give a date from today on.") % {
            "date": f"{due_date:%d/%m/%Y}"
        }
    return None


def working_days_left(recommendation, today=None) -> int | None:
    """Working days until the due date (0 on the day, negative once past), or None when the
    recommendation has no due date, is closed or on hold."""
    if not recommendation.due_date or recommendation.is_closed or recommendation.is_on_hold:
        return None
    today = today or timezone.localdate()
    if recommendation.due_date < today:
        # Overdue from the day after the due date: the due date itself is the last day.
        return -workdays.working_days_between(recommendation.due_date, today)
    return workdays.working_days_between(today, recommendation.due_date)


def due_meaning(recommendation, today=None) -> str:
    """ "còn 3 ngày làm việc", "quá hạn 5 ngày làm việc", "tạm dừng", "hết hạn hôm nay" or ""."""
    return meaning(
        recommendation.due_date,
        closed=recommendation.is_closed,
        on_hold=recommendation.is_on_hold,
        today=today,
    )


def meaning(due_date, *, closed: bool, on_hold: bool, today=None) -> str:
    """``due_meaning`` from the values alone (the export reads rows, not instances)."""
    if closed or not (due_date or on_hold):
        return ""
    if on_hold:
        return _("on hold")
    today = today or timezone.localdate()
    if due_date < today:
        # Overdue from the day after the due date; a day off right after it still reads overdue.
        days = max(workdays.working_days_between(due_date, today), 1)
        return ngettext(
            "overdue by %(days)d working day", "overdue by %(days)d working days", days
        ) % {"days": days}
    if due_date == today:
        return _("due today")
    left = workdays.working_days_between(today, due_date)
    return ngettext("%(days)d working day left", "%(days)d working days left", left) % {
        "days": left
    }


def _calendar_changed(sender, **kwargs):
    workdays.calendar_changed()
    _rules.cache_clear()


post_save.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="workdays_calendar_saved")
post_delete.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="workdays_calendar_deleted")
post_save.connect(_calendar_changed, sender=DeadlineRule, dispatch_uid="deadline_rule_saved")
post_delete.connect(_calendar_changed, sender=DeadlineRule, dispatch_uid="deadline_rule_deleted")


def import_due_date(recommendation, *, unit, due_date):
    """The due date an imported row gets, and the history's note when the rule gave it.

    The file's date wins; a row naming a unit but no date keeps the date the recommendation
    already has, or gets the rule's (counted from today, at the recommendation's priority)."""
    if due_date is not None or unit is None:
        return due_date, None
    if recommendation is not None and recommendation.due_date is not None:
        return recommendation.due_date, None
    priority = recommendation.priority if recommendation is not None else Priority.NORMAL
    due = default_due_date(priority=priority)
    return due, f"{rule_note(priority)} ({due:%d/%m/%Y})"
