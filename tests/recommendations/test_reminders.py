"""The daily digest, escalation and "Việc của tôi" (issue 11)."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from provinces.models import Province
from recommendations import roles, tasks, work, workdays
from recommendations.models import DigestLine, Recommendation, SentMail, Status, StatusChange
from surveys.models import MinistryUnit, UnitMembership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 1)  # a Tuesday


@pytest.fixture
def today(monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def world(db, today):
    """Two units and three provinces of their own, so the seed's rows stay out of the way."""
    empty = list(
        Province.objects.annotate(n=Count("recommendations")).filter(n=0).order_by("code")[:3]
    )
    p, q, r = empty
    unit = MinistryUnit.objects.create(name="Vụ Kiểm thử", kind="department")
    other = MinistryUnit.objects.create(name="Vụ Khác", kind="department")
    staff = make_user("canbo_kt", roles.MINISTRY_STAFF, email="canbo@example.invalid")
    leader = make_user("lanhdao_kt", roles.MINISTRY_STAFF, email="lanhdao@example.invalid")
    UnitMembership.objects.create(unit=unit, user=staff)
    UnitMembership.objects.create(unit=unit, user=leader, is_leader=True)
    officer = make_user(
        "sokhcn_p", roles.PROVINCIAL_OFFICER, province_code=p.code, email="p@example.invalid"
    )
    idle = make_user(
        "sokhcn_r", roles.PROVINCIAL_OFFICER, province_code=r.code, email="r@example.invalid"
    )

    def rec(name, province, lead, status, due, **extra):
        return Recommendation.objects.create(
            province=province,
            text=f"Kiến nghị {name}",
            theme="legal",
            responsible_unit=lead,
            status=status,
            due_date=due,
            **extra,
        )

    recs = {
        "due_soon": rec("sắp đến hạn", p, unit, Status.ASSIGNED, D(2026, 12, 4)),
        "newly_overdue": rec("mới quá hạn", p, unit, Status.IN_PROGRESS, D(2026, 11, 30)),
        "proposed": rec("đề xuất kết thúc", p, unit, Status.RESOLUTION_PROPOSED, D(2027, 3, 1)),
        "sent_back": rec("bị trả lại", p, unit, Status.IN_PROGRESS, D(2027, 3, 1)),
        "escalated": rec("quá hạn lâu", p, unit, Status.IN_PROGRESS, D(2026, 11, 2)),
        "on_hold": rec(
            "tạm dừng", p, unit, Status.ASSIGNED, D(2026, 12, 2), on_hold_since=D(2026, 11, 1)
        ),
        "supported": rec("phối hợp", q, other, Status.IN_PROGRESS, D(2026, 12, 3)),
        "other": rec("đơn vị khác", q, other, Status.ASSIGNED, D(2026, 12, 3)),
    }
    recs["supported"].supporting_units.add(unit)
    StatusChange.objects.create(
        recommendation=recs["sent_back"],
        from_status=Status.RESOLUTION_PROPOSED,
        to_status=Status.IN_PROGRESS,
        comment="Chưa đủ minh chứng.",
    )
    return {
        "recs": recs,
        "staff": staff,
        "leader": leader,
        "officer": officer,
        "idle": idle,
        "unit": unit,
    }


def _mail_to(address):
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def _has(message, recommendation):
    html = message.alternatives[0][0]
    link = f"/recommendations/{recommendation.pk}/"
    return recommendation.text in message.body and link in message.body and link in html


def test_one_digest_per_person_with_their_work_only(world, settings):
    settings.SITE_URL = "https://theodoi.example.vn"
    out = StringIO()
    call_command("send_reminders", "--date", "01/12/2026", stdout=out)
    recs = world["recs"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "canbo@example.invalid",
        "lanhdao@example.invalid",
        "p@example.invalid",
    ]  # the idle officer has nothing, so gets nothing
    staff = _mail_to("canbo@example.invalid")
    assert staff.subject.startswith("[Theo dõi kiến nghị] 01/12/2026")
    assert "https://theodoi.example.vn/recommendations/" in staff.body
    for name in ("due_soon", "newly_overdue", "proposed", "supported"):
        assert _has(staff, recs[name]), name
    for name in ("escalated", "on_hold", "other", "sent_back"):
        assert recs[name].text not in staff.body, name
    assert "còn 3 ngày làm việc" in staff.body

    leader = _mail_to("lanhdao@example.invalid")
    assert _has(leader, recs["escalated"])
    assert "Quá hạn trên 10 ngày làm việc – Vụ Kiểm thử" in leader.body

    officer = _mail_to("p@example.invalid")
    for name in ("due_soon", "sent_back"):
        assert _has(officer, recs[name]), name
    for name in ("supported", "other", "on_hold", "proposed"):
        assert recs[name].text not in officer.body, name


def test_a_second_run_sends_nothing(world):
    call_command("send_reminders", "--date", "01/12/2026", stdout=StringIO())
    assert len(mail.outbox) == 3
    out = StringIO()
    call_command("send_reminders", "--date", "01/12/2026", stdout=out)
    assert len(mail.outbox) == 3
    assert "0 digest(s) sent." in out.getvalue()
    assert SentMail.objects.filter(key__startswith="digest:2026-12-01:").count() == 3


def test_dry_run_sends_nothing_and_says_who(world):
    out = StringIO()
    call_command("send_reminders", "--date", "01/12/2026", "--dry-run", stdout=out)
    assert not mail.outbox
    assert "canbo_kt" in out.getvalue() and "sokhcn_r" not in out.getvalue()
    assert not SentMail.objects.exists()


def test_a_bad_date_is_a_clear_error(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("send_reminders", "--date", "2026-12-01")


def test_escalation_only_past_ten_working_days(world):
    cutoff = work.escalation_cutoff(TODAY)
    assert workdays.working_days_between(cutoff, TODAY) == 10
    leader = world["leader"]
    escalated = work.section_queryset(leader, work.ESCALATION, TODAY)
    assert list(escalated) == [world["recs"]["escalated"]]
    # Ordinary staff of the unit are not its leaders.
    assert not work.section_queryset(world["staff"], work.ESCALATION, TODAY).exists()


def test_bulk_changes_arrive_as_digest_lines_then_are_marked_sent(world):
    rec = world["recs"]["due_soon"]
    DigestLine.objects.create(recipient=world["officer"], recommendation=rec, text="Đã giao.")
    # A line about a province the person cannot see is never shown.
    DigestLine.objects.create(
        recipient=world["officer"], recommendation=world["recs"]["other"], text="Lạ."
    )
    call_command("send_reminders", "--date", "01/12/2026", stdout=StringIO())
    officer = _mail_to("p@example.invalid")
    assert "Đã giao." in officer.body and "Lạ." not in officer.body
    assert not DigestLine.objects.filter(recipient=world["officer"], sent_on=None).exists()


def test_the_beat_task_skips_days_off(world):
    assert tasks.send_reminders("2026-12-05") == 0  # a Saturday
    assert tasks.send_reminders("2027-02-08") == 0  # Tết
    assert not mail.outbox
    assert tasks.send_reminders("2026-12-01") >= 3
    assert len(mail.outbox) == 3


def test_the_beat_schedule_runs_at_half_past_seven(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "recommendations.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


# --- "Việc của tôi" ----------------------------------------------------------------------------


def _listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {r.pk for r in response.context["object_list"]}


@pytest.mark.parametrize("who", ["staff", "leader", "officer"])
def test_my_work_counts_link_to_exactly_their_lists(client, world, who):
    user = world[who]
    client.force_login(user)
    response = client.get(reverse("recommendations:my_work"))
    assert response.status_code == 200
    sections = response.context["sections"]
    assert sections
    for section in sections:
        expected = set(
            work.section_queryset(user, section.name, TODAY)
            .filter(
                **({"responsible_unit": section.unit} if section.unit else {}),
            )
            .values_list("pk", flat=True)
        )
        assert _listed(client, section.url) == expected, section.name
        assert section.count == len(expected), section.name
        assert f'href="{section.url}"'.replace("&", "&amp;") in response.content.decode()


def test_officer_sees_their_province_by_what_they_must_do(client, world):
    client.force_login(world["officer"])
    sections = {
        s.name: s.count for s in client.get(reverse("recommendations:my_work")).context["sections"]
    }
    assert sections == {"waiting_update": 1, "sent_back": 1, "overdue": 2, "proposed": 1}


def test_admins_and_people_without_a_unit_see_the_national_overview(client, admin_user, world):
    client.force_login(admin_user)
    response = client.get(reverse("recommendations:my_work"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "recommendations:dashboard"
    )


def test_signing_in_lands_on_my_work(client, world):
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("login"), {"username": "sokhcn_p", "password": PASSWORD}, follow=False
    )
    assert response["Location"] == reverse("recommendations:my_work")


def test_a_forged_work_filter_shows_nothing_of_another_province(client, world):
    # An officer asking for the unit sections gets nothing: those lists are not theirs.
    client.force_login(world["idle"])
    url = reverse("recommendations:list") + "?work=due_soon&scope=all"
    assert _listed(client, url) == set()


def test_mine_unit_includes_supporting_units(client, world):
    client.force_login(world["staff"])
    listed = _listed(client, reverse("recommendations:list") + "?mine=unit")
    recs = world["recs"]
    assert recs["supported"].pk in listed and recs["other"].pk not in listed


def test_with_the_broker_down_the_change_saves_and_goes_to_the_digest(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from recommendations.services import recommendation_transition

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # What .delay() raises when Redis is unreachable (tried against a real dead port too: the
    # same kombu error after the transport's two quick retries).
    monkeypatch.setattr(tasks.send_status_changed, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_transition(
            recommendation=world["recs"]["due_soon"],
            to_status=Status.IN_PROGRESS,
            by=world["staff"],
        )
    assert Recommendation.objects.get(pk=world["recs"]["due_soon"].pk).status == Status.IN_PROGRESS
    line = DigestLine.objects.get(recipient=world["officer"])
    assert "đang xử lý" in line.text
    assert not mail.outbox


def test_signing_in_from_the_front_page_lands_on_my_work_too(client, world):
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("login") + "?next=/", {"username": "sokhcn_p", "password": PASSWORD}
    )
    assert response["Location"] == reverse("recommendations:my_work")
    client.logout()
    response = client.post(
        reverse("login") + "?next=/recommendations/", {"username": "sokhcn_p", "password": PASSWORD}
    )
    assert response["Location"] == "/recommendations/"  # an explicit page is kept


def test_a_failing_mail_server_is_retried_and_the_mail_sent_once(world, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from celery.exceptions import Retry
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send
    failures = []

    def flaky_send(self, fail_silently=False):
        if not failures:
            failures.append(self.subject)
            raise SMTPServerDisconnected("connection lost")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)
    key = f"digest:2026-12-01:{world['staff'].pk}"
    # The task asks to be retried (eager here: the retry is handed back instead of queued)…
    with pytest.raises(Retry):
        tasks.send_digest.delay(world["staff"].pk, "2026-12-01")
    # …and the failed attempt left no record, so the retry sends.
    assert failures and not mail.outbox and not SentMail.objects.filter(key=key).exists()
    assert tasks.send_digest.delay(world["staff"].pk, "2026-12-01").get() is True
    assert len(mail.outbox) == 1 and SentMail.objects.filter(key=key).count() == 1
    # Delivered again (a worker lost after sending): nothing more goes out.
    assert tasks.send_digest.delay(world["staff"].pk, "2026-12-01").get() is False
    assert len(mail.outbox) == 1


def test_mail_tasks_retry_with_back_off_on_mail_server_errors():
    from smtplib import SMTPException

    for task in (tasks.send_digest, tasks.send_status_changed, tasks.send_assigned):
        assert SMTPException in task.autoretry_for and OSError in task.autoretry_for
        assert task.retry_backoff


@pytest.mark.parametrize(("who", "expected"), [("officer", 9), ("leader", 16)])
def test_my_work_query_count_is_fixed(client, world, who, expected, django_assert_num_queries):
    client.force_login(world[who])
    client.get(reverse("recommendations:my_work"))
    # session, user, roles, the binding or the memberships, one count per section (the
    # leader's escalation lists its rows to group them by unit), the units' names
    with django_assert_num_queries(expected):
        client.get(reverse("recommendations:my_work"))
