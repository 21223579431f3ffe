"""Defaults for the deadline rules and the days the Government has moved.

Rules by priority (working days): urgent 10, high 20, normal 30, low 60 – the issue's defaults;
admins change them in the admin.

Calendar rows: only swaps I am sure were announced. 2025: civil servants worked Saturday
26/4/2025 in exchange for Friday 2/5/2025 off (Ministry of Home Affairs, for the 30/4–1/5
holidays). The ``holidays`` package (0.109) also knows this swap and 2026's (31/8/2026 off for
Saturday 22/8/2026); the rows here make them visible and editable in the admin, and a later
announcement is added there ("Lịch làm việc"), not in code.
"""

import datetime

from django.db import migrations

RULES = {40: 10, 30: 20, 20: 30, 10: 60}  # Priority value → working days

DAYS = [
    (datetime.date(2025, 4, 26), "working_day", "Làm bù cho ngày nghỉ 02/05/2025"),
    (datetime.date(2025, 5, 2), "day_off", "Nghỉ bù dịp 30/4–1/5/2025 (làm bù thứ Bảy 26/04/2025)"),
]


def add_defaults(apps, schema_editor):
    DeadlineRule = apps.get_model("recommendations", "DeadlineRule")
    CalendarDay = apps.get_model("recommendations", "CalendarDay")
    for priority, days in RULES.items():
        DeadlineRule.objects.get_or_create(priority=priority, defaults={"working_days": days})
    for date, kind, note in DAYS:
        CalendarDay.objects.get_or_create(date=date, defaults={"kind": kind, "note": note})


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0007_deadlines_hold_supporting_units_calendar")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
