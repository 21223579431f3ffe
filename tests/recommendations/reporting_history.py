"""A small history written through the services on chosen days, with its figures by hand.

Hà Nội (01) has no seed recommendation: a scope of that province holds exactly these five.

    A  received 05/01/2026, unit 1 due 28/02, resolved 20/02   (on time, 46 days)
    B  received 20/01/2026, unit 1 due 10/02, resolved 15/03   (late, 54 days)
    C  received 03/02/2026, unit 2 due 15/02, in progress      (overdue from 16/02)
    D  received 10/03/2026, new
    E  received 06/01/2026, answered the same day, no unit
"""

import datetime
import zoneinfo
from contextlib import contextmanager

from django.utils import timezone

from provinces.models import Province
from recommendations.models import Recommendation, Status
from recommendations.reporting.asof import Scope
from recommendations.services import (
    recommendation_register,
    recommendation_transition,
    recommendation_triage,
)
from surveys.models import MinistryUnit, Theme

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UNIT_1, UNIT_2 = "Văn phòng Bộ", "Thanh tra Bộ"
SCOPE_START = datetime.date(2026, 1, 1)
AS_OF = datetime.date(2026, 3, 31)


def moment(day: str, hour=10) -> datetime.datetime:
    d, m, y = (int(part) for part in day.split("/"))
    return datetime.datetime(y, m, d, hour, tzinfo=HANOI)


@contextmanager
def on(day: str, hour=10):
    """Services stamp ``timezone.now()``: make it that day."""
    when = moment(day, hour)
    original = timezone.now
    timezone.now = lambda: when
    try:
        yield when
    finally:
        timezone.now = original


def _new(day, text):
    with on(day) as when:
        return recommendation_register(
            recommendation=Recommendation(
                province=Province.objects.get(code="01"),
                text=text,
                theme=Theme.values[0],
                created_at=when,
            ),
            by=None,
        )


def _assign(rec, day, unit, due, by):
    with on(day, 11):
        return recommendation_triage(
            recommendation=rec,
            by=by,
            responsible_unit=MinistryUnit.objects.get(name=unit),
            due_date=datetime.date(*due),
        )


def _move(rec, day, status, hour=15):
    with on(day, hour):
        return recommendation_transition(
            recommendation=rec,
            to_status=status,
            by=None,
            comment="Bước (thử).",
            resolution_note="Đã giải quyết (thử).",
        )


def build_history(by) -> dict:
    """``by``: ministry staff (triage needs a person)."""
    a = _new("05/01/2026", "A")
    a = _assign(a, "05/01/2026", UNIT_1, (2026, 2, 28), by)
    a = _move(a, "20/02/2026", Status.RESOLVED)
    b = _new("20/01/2026", "B")
    b = _assign(b, "21/01/2026", UNIT_1, (2026, 2, 10), by)
    b = _move(b, "15/03/2026", Status.RESOLVED)
    c = _new("03/02/2026", "C")
    c = _assign(c, "03/02/2026", UNIT_2, (2026, 2, 15), by)
    c = _move(c, "04/02/2026", Status.IN_PROGRESS)
    d = _new("10/03/2026", "D")
    e = _new("06/01/2026", "E")
    e = _move(e, "06/01/2026", Status.ANSWERED)
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def hanoi_scope(as_of=AS_OF, date_from=SCOPE_START) -> Scope:
    return Scope(
        as_of=as_of, date_from=date_from, province_ids=(Province.objects.get(code="01").pk,)
    )
