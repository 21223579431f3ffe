"""Working days for the monthly report: Monday to Friday minus Vietnam's public holidays
(``holidays.country_holidays("VN")``, lunar Tết included). The deadlines work brings the
Government's full calendar (extra days off, make-up Saturdays); when it is merged, this one
function should ask it instead."""

import datetime
from functools import cache

import holidays


@cache
def _holidays(year: int):
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def is_first_working_day_of_month(day: datetime.date) -> bool:
    if not is_working_day(day):
        return False
    earlier = day.replace(day=1)
    while earlier < day:
        if is_working_day(earlier):
            return False
        earlier += datetime.timedelta(days=1)
    return True
