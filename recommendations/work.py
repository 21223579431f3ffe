"""What a person must do: the sections of "Việc của tôi" and of the daily digest.

One definition serves the page, the list filter behind each of its counts (``work=<section>``)
and the e-mail, so the three always agree. A section only ever holds recommendations the
person is responsible for – their province (an officer) or their units (ministry staff) – so
nobody is told about a province or a unit that is not theirs. Recommendations on hold are in no
section: their clock is stopped.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import MinistryUnit, UnitMembership

from . import access, deadlines, workdays
from .models import EntryKind, Recommendation, Status, StatusChange

#: (name, title, shown in the digest, shown on the page); the order is the page's.
UNIT_SECTIONS = [
    ("to_triage", _("To triage (no lead unit yet)"), False, True),
    ("due_soon", _("Due within 5 working days"), True, True),
    ("newly_overdue", _("Newly overdue"), True, False),
    ("overdue", _("Overdue"), False, True),
    ("to_confirm", _("Closures proposed by provinces, waiting for your confirmation"), True, True),
]
OFFICER_SECTIONS = [
    ("waiting_update", _("Assigned and waiting for your update"), True, True),
    ("sent_back", _("Sent back by the ministry"), True, True),
    ("overdue", _("Overdue"), False, True),
    ("proposed", _("Closure proposed, waiting for the ministry"), False, True),
]
ESCALATION = "escalated"
#: A mail lists at most this many items per section, then links to the rest.
DIGEST_LIMIT = 100
SECTION_NAMES = {name for name, *_rest in UNIT_SECTIONS + OFFICER_SECTIONS} | {ESCALATION}


def unit_ids(user) -> list[int]:
    if not (user and user.is_authenticated and user.is_active):
        return []
    return list(UnitMembership.objects.filter(user=user).values_list("unit_id", flat=True))


def leader_unit_ids(user) -> list[int]:
    return list(
        UnitMembership.objects.filter(user=user, is_leader=True).values_list("unit_id", flat=True)
    )


def role_of(user) -> str | None:
    """ "officer", "unit" (ministry staff in a unit) or None (the national overview)."""
    if access.officer_province_id(user) is not None:
        return "officer"
    if access.is_ministry_staff(user) and not access.is_admin(user) and unit_ids(user):
        return "unit"
    if access.is_admin(user) and unit_ids(user):
        return "unit"
    return None


def unit_ids_query(user):
    """``unit_ids`` as a subquery, for filters that must not cost a query of their own."""
    return UnitMembership.objects.filter(user=user).values("unit_id")


def of_units(queryset, units):
    """Led or supported by one of ``units`` (ids or a subquery; no duplicate rows)."""
    supported = Recommendation.supporting_units.through.objects.filter(
        ministryunit_id__in=units
    ).values("recommendation_id")
    return queryset.filter(Q(responsible_unit_id__in=units) | Q(pk__in=supported))


def _previous_working_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not workdays.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def escalation_cutoff(today: datetime.date) -> datetime.date:
    """Due before this day means overdue by more than ``ESCALATION_DAYS`` working days."""
    day, counted = today, 0
    while True:
        if workdays.is_working_day(day):
            counted += 1
            if counted == deadlines.ESCALATION_DAYS + 1:
                return day
        day -= datetime.timedelta(days=1)


def _last_transition_source():
    return Subquery(
        StatusChange.objects.filter(recommendation=OuterRef("pk"), kind=EntryKind.TRANSITION)
        .exclude(from_status=OuterRef("status"))
        .order_by("-changed_at", "-id")
        .values("from_status")[:1]
    )


def section_queryset(user, name: str, today: datetime.date | None = None, queryset=None):
    """The recommendations in section ``name`` for ``user`` (none when it is not theirs)."""
    today = today or timezone.localdate()
    queryset = Recommendation.objects.all() if queryset is None else queryset
    live = queryset.open().filter(on_hold_since__isnull=True)
    province_id = access.officer_province_id(user)
    if province_id is not None:
        mine = live.filter(province_id=province_id)
        if name == "waiting_update":
            return mine.filter(status=Status.ASSIGNED)
        if name == "sent_back":
            return mine.filter(status=Status.IN_PROGRESS).filter(
                pk__in=live.filter(status=Status.IN_PROGRESS)
                .annotate(came_from=_last_transition_source())
                .filter(came_from=Status.RESOLUTION_PROPOSED)
                .values("pk")
            )
        if name == "overdue":
            return mine.overdue(today)
        if name == "proposed":
            return mine.filter(status=Status.RESOLUTION_PROPOSED)
        return queryset.none()
    if not access.is_ministry_staff(user):
        return queryset.none()
    if name == "to_triage":
        return live.filter(responsible_unit__isnull=True)
    if name == ESCALATION:
        leads = live.filter(responsible_unit_id__in=leader_unit_ids(user))
        return leads.filter(due_date__lt=escalation_cutoff(today))
    units = unit_ids(user)
    mine = of_units(live, units)
    if name == "due_soon":
        horizon = workdays.add_working_days(today, deadlines.DUE_SOON_DAYS)
        return mine.filter(due_date__gte=today, due_date__lte=horizon)
    if name == "newly_overdue":
        return mine.filter(due_date__gte=_previous_working_day(today), due_date__lt=today)
    if name == "overdue":
        return mine.overdue(today)
    if name == "to_confirm":
        # Only the lead unit decides on a closure.
        return live.filter(status=Status.RESOLUTION_PROPOSED, responsible_unit_id__in=units)
    return queryset.none()


@dataclass
class Section:
    name: str
    title: str
    count: int
    url: str
    items: list = field(default_factory=list)
    unit: MinistryUnit | None = None


def list_url(name: str, **extra) -> str:
    from django.urls import reverse
    from django.utils.http import urlencode

    return reverse("recommendations:list") + "?" + urlencode({"work": name, **extra})


def sections_for(user, *, today=None, digest=False, items=0) -> list[Section]:
    """The sections the page (``digest=False``) or the mail (``digest=True``) shows ``user``,
    with counts and up to ``items`` recommendations each (the mail lists them all)."""
    today = today or timezone.localdate()
    role = role_of(user)
    if role is None:
        return []
    definitions = OFFICER_SECTIONS if role == "officer" else UNIT_SECTIONS
    result = []
    for name, title, in_digest, on_page in definitions:
        if not (in_digest if digest else on_page):
            continue
        queryset = section_queryset(user, name, today)
        ordered = queryset.for_list().order_by("due_date", "pk")
        limit = DIGEST_LIMIT if digest else items
        rows = list(ordered[:limit]) if limit else []
        count = queryset.count() if not digest or len(rows) == DIGEST_LIMIT else len(rows)
        if digest and not rows:
            continue
        result.append(Section(name, str(title), count, list_url(name), rows))
    if role == "unit" and leader_unit_ids(user):
        escalated = list(
            section_queryset(user, ESCALATION, today).for_list().order_by("due_date", "pk")
        )
        by_unit: dict = {}
        for recommendation in escalated:
            by_unit.setdefault(recommendation.responsible_unit, []).append(recommendation)
        for unit, rows in sorted(by_unit.items(), key=lambda pair: pair[0].name):
            title = _("Overdue by more than %(days)d working days – %(unit)s") % {
                "days": deadlines.ESCALATION_DAYS,
                "unit": unit.name,
            }
            result.append(
                Section(
                    ESCALATION,
                    str(title),
                    len(rows),
                    list_url(ESCALATION, responsible_unit=unit.pk),
                    rows if (digest or items) else [],
                    unit,
                )
            )
    return result
