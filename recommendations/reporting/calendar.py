"""The monthly report's day: the first working day of the month, by the one working-day
calendar (``recommendations.workdays``: public holidays, the Government's extra days off and
make-up Saturdays)."""

import datetime

from recommendations.workdays import is_working_day

__all__ = ["is_first_working_day_of_month", "is_working_day"]


def is_first_working_day_of_month(day: datetime.date) -> bool:
    if not is_working_day(day):
        return False
    earlier = day.replace(day=1)
    while earlier < day:
        if is_working_day(earlier):
            return False
        earlier += datetime.timedelta(days=1)
    return True
