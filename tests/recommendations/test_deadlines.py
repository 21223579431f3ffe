"""Deadlines in working days (issue 11): the calendar, the rule on every assignment path,
pausing the clock, and what a due date means."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from recommendations import deadlines, workdays
from recommendations.models import (
    CalendarDay,
    DeadlineRule,
    EntryKind,
    Priority,
    Recommendation,
    Status,
)
from recommendations.services import (
    recommendation_hold,
    recommendation_resume,
    recommendation_transition,
    recommendation_triage,
    recommendations_bulk_apply,
)
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

D = datetime.date
TUESDAY = D(2026, 12, 1)
QN = "2025-quang-ninh-kn-01"
RULE_30 = "Hạn xử lý theo quy định: 30 ngày làm việc"


@pytest.fixture
def today(monkeypatch):
    """Pin "today" (Asia/Ho_Chi_Minh) to Tuesday 1/12/2026; ``today.set(d)`` moves it."""
    real = timezone.localdate

    class Clock:
        value = TUESDAY

        def set(self, value):
            self.value = value

    clock = Clock()

    def localdate(value=None, timezone=None):
        return clock.value if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return clock


def _unit(name="Vụ Pháp chế"):
    return MinistryUnit.objects.get(name=name)


@pytest.fixture(autouse=True)
def _forget_the_calendar():
    # The rules and the calendar are cached per process; a test's rows are rolled back
    # without signals, so forget what the test saw.
    yield
    deadlines._calendar_changed(None)


def _fresh(status=Status.REPORTED, **fields):
    values = {"due_date": None, "responsible_unit": None, "priority": Priority.NORMAL}
    Recommendation.objects.filter(key=QN).update(status=status, **{**values, **fields})
    return Recommendation.objects.get(key=QN)


# --- The calendar -------------------------------------------------------------------------


def test_the_domain_examples():
    # New Year's Day is skipped.
    assert workdays.add_working_days(D(2026, 12, 1), 30) == D(2027, 1, 13)
    # Tết 2027 (4–10/2) is skipped.
    assert workdays.add_working_days(D(2027, 1, 25), 10) == D(2027, 2, 15)


def test_tet_and_weekends_are_not_working_days():
    assert not workdays.is_working_day(D(2027, 2, 8))  # Monday in Tết
    assert not workdays.is_working_day(D(2026, 12, 5))  # Saturday
    assert workdays.is_working_day(D(2027, 2, 11))  # Thursday after Tết
    assert workdays.working_days_between(D(2027, 2, 3), D(2027, 2, 11)) == 1


def test_a_make_up_saturday_counts_and_the_swapped_day_off_does_not():
    # The migration's announced swap: Saturday 26/4/2025 worked for Friday 2/5/2025 off.
    assert workdays.is_working_day(D(2025, 4, 26))
    assert not workdays.is_working_day(D(2025, 5, 2))
    # Friday 25/4 + 1 working day is the make-up Saturday.
    assert workdays.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_an_admin_row_changes_the_count_at_once():
    start = D(2027, 1, 7)  # Thursday
    assert workdays.add_working_days(start, 2) == D(2027, 1, 11)
    CalendarDay.objects.create(date=D(2027, 1, 9), kind=CalendarDay.Kind.WORKING_DAY)
    assert workdays.add_working_days(start, 2) == D(2027, 1, 9)
    CalendarDay.objects.create(date=D(2027, 1, 8), kind=CalendarDay.Kind.DAY_OFF)
    assert workdays.add_working_days(start, 2) == D(2027, 1, 11)


def test_between_is_the_inverse_of_add():
    for start in (D(2026, 12, 1), D(2027, 1, 29), D(2027, 4, 14)):
        for days in (1, 5, 10, 30):
            end = workdays.add_working_days(start, days)
            assert workdays.working_days_between(start, end) == days
            assert workdays.working_days_between(end, start) == -days


def test_the_counted_span_agrees_with_walking_the_days_one_by_one():
    """working_days_between counts by arithmetic and bisection; walking the calendar day by
    day with is_working_day must give the same number, across years, Tết, make-up Saturdays
    and an admin's odd rows (a day off on a Saturday, a worked Wednesday)."""
    CalendarDay.objects.create(date=D(2027, 3, 6), kind=CalendarDay.Kind.DAY_OFF)  # Saturday
    CalendarDay.objects.create(date=D(2027, 3, 10), kind=CalendarDay.Kind.WORKING_DAY)
    CalendarDay.objects.create(date=D(2027, 3, 13), kind=CalendarDay.Kind.WORKING_DAY)
    CalendarDay.objects.create(date=D(2027, 3, 15), kind=CalendarDay.Kind.DAY_OFF)

    def walked(start, end):
        days = (end - start).days
        return sum(
            workdays.is_working_day(start + datetime.timedelta(days=n)) for n in range(1, days + 1)
        )

    starts = [D(2024, 12, 28) + datetime.timedelta(days=n * 37) for n in range(30)]
    for start in starts:
        for length in (0, 1, 2, 6, 7, 8, 45, 400, 800):
            end = start + datetime.timedelta(days=length)
            assert workdays.working_days_between(start, end) == walked(start, end), (start, end)
            assert workdays.working_days_between(end, start) == -walked(start, end)


# --- The rule on every assignment path ------------------------------------------------------


def test_rules_by_priority_come_from_the_table():
    assert [deadlines.rule_days(p) for p in (40, 30, 20, 10)] == [10, 20, 30, 60]
    DeadlineRule.objects.filter(priority=Priority.NORMAL).update(working_days=15)
    DeadlineRule.objects.get(priority=Priority.NORMAL).save()  # as the admin saves it
    assert deadlines.rule_days(Priority.NORMAL) == 15


def test_assigning_on_the_page_sets_the_rules_due_date(client, ministry_user, today):
    recommendation = _fresh()
    client.force_login(ministry_user)
    response = client.post(
        reverse("recommendations:triage", args=[recommendation.pk]),
        {
            "triage-version": recommendation.version,
            "triage-responsible_unit": _unit().pk,
            "triage-priority": Priority.NORMAL,
            "triage-due_date": "",
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ASSIGNED
    assert recommendation.due_date == D(2027, 1, 13)  # weekends and New Year skipped
    assert any(RULE_30 in entry.comment for entry in recommendation.history.all())
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "13/01/2027" in page and "còn 30 ngày làm việc" in page


def test_a_typed_due_date_wins(ministry_user, today):
    recommendation = recommendation_triage(
        recommendation=_fresh(),
        by=ministry_user,
        responsible_unit=_unit(),
        due_date=D(2026, 12, 20),
    )
    assert recommendation.due_date == D(2026, 12, 20)
    assert not any(RULE_30 in e.comment for e in recommendation.history.all())


def test_a_due_date_in_the_past_is_refused_clearly(client, ministry_user, today):
    recommendation = _fresh()
    with pytest.raises(ValidationError) as error:
        recommendation_triage(
            recommendation=recommendation, by=ministry_user, due_date=D(2026, 11, 30)
        )
    assert "đã qua" in error.value.message_dict["due_date"][0]
    client.force_login(ministry_user)
    response = client.post(
        reverse("recommendations:triage", args=[recommendation.pk]),
        {
            "triage-version": recommendation.version,
            "triage-responsible_unit": _unit().pk,
            "triage-priority": Priority.NORMAL,
            "triage-due_date": "30/11/2026",
        },
    )
    assert response.status_code == 200
    assert "Hạn xử lý 30/11/2026 đã qua" in response.content.decode()
    assert Recommendation.objects.get(key=QN).responsible_unit is None


def test_bulk_assignment_follows_the_rule_by_priority(ministry_user, today):
    recommendation = _fresh(priority=Priority.URGENT)
    changed, refused = recommendations_bulk_apply(
        recommendations=[recommendation], by=ministry_user, responsible_unit=_unit()
    )
    assert not refused
    assert changed[0].due_date == workdays.add_working_days(TUESDAY, 10) == D(2026, 12, 15)


def test_the_transition_to_assigned_with_a_unit_follows_the_rule(ministry_user, today):
    recommendation = recommendation_transition(
        recommendation=_fresh(),
        to_status=Status.ASSIGNED,
        by=ministry_user,
        responsible_unit=_unit(),
    )
    assert recommendation.due_date == D(2027, 1, 13)
    assert RULE_30 in recommendation.history.last().comment


def test_the_import_follows_the_rule(today):
    from recommendations.imports import COLUMNS, import_visit_notes
    from tracker.spreadsheets import Table

    headers = [column.header for column in COLUMNS]
    cells = dict.fromkeys(headers, "")
    cells.update(
        {
            "Mã dòng": "han-kn-01",
            "Tỉnh/thành phố": "Quảng Ninh",
            "Ngày làm việc": "14/08/2025",
            "Loại": "kiến nghị",
            "Chủ đề": "nhân lực",
            "Nội dung": "Đào tạo cán bộ cấp xã.",
            "Đơn vị chủ trì": "Vụ Pháp chế",
        }
    )
    report = import_visit_notes(
        table=Table.from_rows(headers, [[cells[h] for h in headers]]),
        user=None,
        file_name="han.csv",
    )
    assert report.created, report
    assert Recommendation.objects.get(key="han-kn-01").due_date == D(2027, 1, 13)
    # Imported again with a unit changed on the existing row but still no date: it keeps it.
    today.set(D(2026, 12, 10))
    changed = {**cells, "Đơn vị chủ trì": "Vụ Tổ chức cán bộ"}
    import_visit_notes(
        table=Table.from_rows(headers, [[changed[h] for h in headers]]),
        user=None,
        file_name="han.csv",
    )
    recommendation = Recommendation.objects.get(key="han-kn-01")
    assert recommendation.responsible_unit.name == "Vụ Tổ chức cán bộ"
    assert recommendation.due_date == D(2027, 1, 13)


# --- Pausing the clock ------------------------------------------------------------------------


def test_hold_and_resume_move_the_due_date_by_the_working_days_held(ministry_user, today):
    recommendation = _fresh(status=Status.ASSIGNED, responsible_unit=_unit())
    Recommendation.objects.filter(pk=recommendation.pk).update(due_date=D(2026, 12, 3))
    recommendation = recommendation_hold(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        by=ministry_user,
        reason="Chờ ý kiến chỉ đạo của Chính phủ.",
    )
    assert recommendation.on_hold_since == TUESDAY
    today.set(D(2026, 12, 10))  # past the due date, but on hold: not overdue
    assert not Recommendation.objects.overdue().filter(pk=recommendation.pk).exists()
    assert Recommendation.objects.not_overdue().filter(pk=recommendation.pk).exists()
    assert not Recommendation.objects.get(pk=recommendation.pk).is_overdue
    assert deadlines.due_meaning(Recommendation.objects.get(pk=recommendation.pk)) == "tạm dừng"

    today.set(D(2026, 12, 8))  # held 2, 3, 4, 7, 8 December: five working days
    recommendation = recommendation_resume(recommendation=recommendation, by=ministry_user)
    assert recommendation.on_hold_since is None
    assert recommendation.due_date == D(2026, 12, 10)
    kinds = list(recommendation.history.values_list("kind", "comment"))[-2:]
    assert kinds[0] == (EntryKind.HOLD, "Chờ ý kiến chỉ đạo của Chính phủ.")
    assert kinds[1][0] == EntryKind.RESUME and "5 ngày làm việc" in kinds[1][1]
    assert recommendation.status == Status.ASSIGNED


def test_an_officer_cannot_hold_and_nothing_changes(officer_qn, today):
    recommendation = _fresh(status=Status.ASSIGNED, responsible_unit=_unit())
    with pytest.raises(PermissionDenied):
        recommendation_hold(recommendation=recommendation, by=officer_qn, reason="Chờ.")
    assert Recommendation.objects.get(pk=recommendation.pk).on_hold_since is None


def test_the_hold_pages_refuse_an_officer_and_need_a_reason(client, officer_qn, ministry_user):
    recommendation = _fresh(status=Status.ASSIGNED, responsible_unit=_unit())
    client.force_login(officer_qn)
    url = reverse("recommendations:hold", args=[recommendation.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(ministry_user)
    response = client.post(url, {"reason": " "}, follow=True)
    assert "Hãy nêu lý do tạm dừng." in response.content.decode()
    client.post(url, {"reason": "Chờ Chính phủ.", "version": recommendation.version})
    assert Recommendation.objects.get(pk=recommendation.pk).hold_reason == "Chờ Chính phủ."
    client.post(reverse("recommendations:resume", args=[recommendation.pk]))
    assert Recommendation.objects.get(pk=recommendation.pk).on_hold_since is None


# --- What a due date means -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (D(2026, 12, 4), "còn 3 ngày làm việc"),
        (D(2026, 12, 1), "hết hạn hôm nay"),
        (D(2026, 11, 24), "quá hạn 5 ngày làm việc"),
    ],
)
def test_due_meaning(due, expected, today):
    recommendation = _fresh(status=Status.ASSIGNED, responsible_unit=_unit())
    recommendation.due_date = due
    assert deadlines.due_meaning(recommendation) == expected


def test_the_list_shows_the_meaning(staff_client, today):
    Recommendation.objects.filter(key=QN).update(
        status=Status.ASSIGNED, responsible_unit=_unit(), due_date=D(2026, 11, 24)
    )
    page = staff_client.get(reverse("recommendations:list"), {"province": "22"})
    assert "quá hạn 5 ngày làm việc" in page.content.decode()
