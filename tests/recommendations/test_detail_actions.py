"""The detail page's actions: move the status, add a progress note, triage – each a POST-only
view calling its service. Tested as people use them, as attackers forge them, and when two
people save the same recommendation."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from recommendations.models import (
    CLOSED_STATUSES,
    Recommendation,
    ReplyDocument,
    Status,
    StatusChange,
)
from recommendations.services import StaleRecommendation, recommendation_add_note
from surveys.models import MinistryUnit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"
BN = "2025-bac-ninh-kn-01"
PREFIX = {"move": "move", "note": "note", "triage": "triage"}


def _put(key, status, **fields):
    """Test set-up only: place a recommendation in ``status`` with what that status needs."""
    values = {"status": status, **fields}
    if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED):
        values.setdefault("responsible_unit", MinistryUnit.objects.get(name="Vụ Pháp chế"))
    if status in CLOSED_STATUSES:
        values.setdefault("resolution_note", "Đã trả lời.")
    Recommendation.objects.filter(key=key).update(**values)
    return Recommendation.objects.get(key=key)


def _post(client, recommendation, action, *, version=None, **fields):
    """Submit one of the detail page's forms as the browser would."""
    data = {f"{action}-{name}": value for name, value in fields.items()}
    data[f"{action}-version"] = recommendation.version if version is None else version
    return client.post(reverse(f"recommendations:{action}", args=[recommendation.pk]), data)


def _state(recommendation):
    """What a refused request must leave alone."""
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.history.count(),
        fresh.responsible_unit_id,
        fresh.priority,
        fresh.due_date,
        fresh.resolution_note,
    )


def _page(response) -> str:
    return response.content.decode()


def _offered(response) -> set[str]:
    form = response.context["move_form"]
    return {value for value, _label in form.fields["status"].choices} if form else set()


# --- what each role is offered -----------------------------------------------------------------


def test_staff_are_offered_the_next_statuses_with_what_they_need(staff_client):
    recommendation = Recommendation.objects.get(key=QN)  # reported, no unit yet
    response = staff_client.get(recommendation.get_absolute_url())
    # Assigning is the triage form's (one action, one history entry): the status form offers
    # the other moves, the triage form the unit.
    assert _offered(response) == {
        Status.RESOLVED,
        Status.NOT_ACCEPTED,
        Status.TRANSFERRED,
    }
    page = _page(response)
    assert 'name="move-responsible_unit"' not in page
    assert 'name="triage-responsible_unit"' in page
    # The closing fields with their hint.
    assert 'name="move-resolution_note"' in page
    # Issue 12: the evidence of a closure – documents cited, or why there is none.
    assert 'name="move-documents"' in page
    assert 'name="move-no_document_reason"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Cần khi đóng kiến nghị" in page
    assert f'name="move-version" value="{recommendation.version}"' in page
    assert response.context["note_form"] is not None
    assert response.context["triage_form"] is not None


def test_officer_is_offered_only_the_provinces_moves(client, officer_qn):
    recommendation = _put(QN, Status.ASSIGNED)
    client.force_login(officer_qn)
    response = client.get(recommendation.get_absolute_url())
    assert _offered(response) == {Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED}
    page = _page(response)
    assert 'name="move-resolution_note"' not in page  # the ministry closes, not the province
    assert 'name="move-responsible_unit"' not in page
    assert response.context["note_form"] is not None
    assert response.context["triage_form"] is None
    assert 'action="/recommendations/' in page and "/triage/" not in page
    # The comment's hint says when it is required.
    assert "Bắt buộc khi chuyển sang “đề nghị đóng”" in page


def test_officer_with_no_move_open_gets_the_note_form_and_a_word_why(client, officer_qn):
    recommendation = Recommendation.objects.get(key=QN)  # reported: the ministry's turn
    client.force_login(officer_qn)
    response = client.get(recommendation.get_absolute_url())
    assert response.context["move_form"] is None
    assert response.context["note_form"] is not None
    assert "bước tiếp theo do Bộ quyết định" in _page(response)


@pytest.mark.parametrize("who", ["officer_bn", "plain_user"])
def test_readers_see_no_form(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_put(QN, Status.ASSIGNED).get_absolute_url())
    page = _page(response)
    assert response.status_code == 200
    assert 'class="action-form"' not in page
    assert "csrfmiddlewaretoken" in page  # the header's forms only (language, sign out)
    assert page.count("<form") == 2
    assert "Bạn có thể xem kiến nghị này" in page


# --- moving the status ------------------------------------------------------------------------


def test_staff_move_it_with_a_comment(staff_client, ministry_user):
    recommendation = _put(QN, Status.ASSIGNED)
    response = _post(staff_client, recommendation, "move", status="in_progress", comment="Bắt đầu.")
    assert response.status_code == 302
    assert response["Location"] == recommendation.get_absolute_url()
    recommendation.refresh_from_db()
    assert recommendation.status == Status.IN_PROGRESS
    entry = recommendation.history.last()
    assert (entry.from_status, entry.to_status, entry.changed_by, entry.comment) == (
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        ministry_user,
        "Bắt đầu.",
    )
    page = _page(staff_client.get(response["Location"]))
    assert "Đã chuyển trạng thái sang “đang xử lý”." in page


def test_staff_assign_with_the_unit_from_the_status_form(staff_client):
    recommendation = Recommendation.objects.get(key=QN)
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    response = _post(
        staff_client, recommendation, "move", status="assigned", responsible_unit=unit.pk
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.responsible_unit) == (Status.ASSIGNED, unit)


def test_assigning_without_a_unit_says_so_by_the_field(staff_client):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    response = _post(staff_client, recommendation, "move", status="assigned")
    assert response.status_code == 200
    assert "responsible_unit" in response.context["failed_form"].errors
    assert _state(recommendation) == before


def test_staff_close_with_a_resolution_note_and_the_reply_document(staff_client):
    recommendation = _put(QN, Status.IN_PROGRESS)
    document = ReplyDocument.objects.create(
        number="123/BKHCN-PC", issued_on=datetime.date(2025, 10, 15)
    )
    response = _post(
        staff_client,
        recommendation,
        "move",
        status="resolved",
        comment="Đã có văn bản.",
        resolution_note="Bộ đã ban hành Thông tư hướng dẫn.",
        documents=[document.pk],
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.RESOLVED
    assert recommendation.resolution_note == "Bộ đã ban hành Thông tư hướng dẫn."
    assert list(recommendation.documents.all()) == [document]
    assert list(recommendation.history.last().documents.all()) == [document]
    page = _page(staff_client.get(recommendation.get_absolute_url()))
    assert "123/BKHCN-PC (15/10/2025)" in page


def test_closing_without_a_note_shows_the_errors_and_keeps_what_was_typed(staff_client):
    recommendation = _put(QN, Status.IN_PROGRESS)
    before = _state(recommendation)
    response = _post(
        staff_client,
        recommendation,
        "move",
        status="resolved",
        comment="Lời nhắn dài đã gõ.",
        no_document_reason="Trả lời trực tiếp tại hội nghị.",
    )
    assert response.status_code == 200
    page = _page(response)
    # GOV.UK: a summary at the top linking to the field, the message again by the field.
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_move-resolution_note"' in summary
    assert "Cần ghi kết quả xử lý" in summary
    assert 'id="id_move-resolution_note_error"' in page
    # Nothing lost, nothing written.
    assert "Lời nhắn dài đã gõ." in page
    assert "Trả lời trực tiếp tại hội nghị." in page
    assert response.context["failed_form"]["status"].value() == "resolved"
    assert _state(recommendation) == before


def test_reopening_needs_a_reason(staff_client):
    recommendation = _put(QN, Status.RESOLVED)
    before = _state(recommendation)
    response = _post(staff_client, recommendation, "move", status="in_progress")
    assert response.status_code == 200
    assert "comment" in response.context["failed_form"].errors
    assert _state(recommendation) == before


def test_staff_closing_cites_a_document_or_says_why_there_is_none(staff_client):
    recommendation = _put(QN, Status.IN_PROGRESS)
    before = _state(recommendation)
    response = _post(
        staff_client, recommendation, "move", status="resolved", resolution_note="Xong."
    )
    assert response.status_code == 200
    assert "documents" in response.context["failed_form"].errors
    assert _state(recommendation) == before
    response = _post(
        staff_client,
        recommendation,
        "move",
        status="resolved",
        resolution_note="Xong.",
        no_document_reason="Đã trả lời tại buổi làm việc.",
    )
    assert response.status_code == 302
    assert "Đã trả lời tại buổi làm việc." in recommendation.history.last().comment


@pytest.mark.parametrize("status", ["resolved", "not_accepted", "new", "bogus", ""])
def test_officer_cannot_set_a_status_not_offered(client, officer_qn, status):
    recommendation = _put(QN, Status.ASSIGNED)
    before = _state(recommendation)
    client.force_login(officer_qn)
    response = _post(client, recommendation, "move", status=status, resolution_note="Tự đóng.")
    assert response.status_code == 200
    assert "status" in response.context["failed_form"].errors
    assert _state(recommendation) == before


def test_staff_cannot_skip_the_lifecycle(staff_client):
    recommendation = Recommendation.objects.get(key=QN)  # reported
    before = _state(recommendation)
    response = _post(staff_client, recommendation, "move", status="proposed", comment="x")
    assert response.status_code == 200
    assert "status" in response.context["failed_form"].errors
    assert _state(recommendation) == before


def test_forged_move_on_another_province_is_forbidden(client, officer_qn):
    recommendation = _put(BN, Status.ASSIGNED)
    before = _state(recommendation)
    client.force_login(officer_qn)
    response = _post(client, recommendation, "move", status="in_progress", comment="Giả mạo.")
    assert response.status_code == 403
    assert _state(recommendation) == before


def test_forged_move_when_none_is_open_is_forbidden(client, officer_qn):
    recommendation = Recommendation.objects.get(key=QN)  # reported: nothing open to officers
    before = _state(recommendation)
    client.force_login(officer_qn)
    response = _post(client, recommendation, "move", status="assigned")
    assert response.status_code == 403
    assert _state(recommendation) == before


def test_actions_are_post_only(staff_client):
    recommendation = Recommendation.objects.get(key=QN)
    for action in ("move", "note", "triage"):
        url = reverse(f"recommendations:{action}", args=[recommendation.pk])
        assert staff_client.get(url).status_code == 405


def test_unknown_recommendation_is_a_404(staff_client):
    url = reverse("recommendations:move", args=[999999])
    assert staff_client.post(url, {"move-status": "assigned"}).status_code == 404


# --- two people, one recommendation -------------------------------------------------------------


def test_a_stale_move_is_refused_and_keeps_what_was_typed(staff_client, admin_user):
    recommendation = _put(QN, Status.ASSIGNED)
    loaded = recommendation.version  # the page was opened at this version
    recommendation_add_note(recommendation=recommendation, by=admin_user, comment="Trong lúc đó.")
    before = _state(recommendation)
    response = _post(
        staff_client,
        recommendation,
        "move",
        version=loaded,
        status="in_progress",
        comment="Ý kiến rất dài của tôi.",
    )
    assert response.status_code == 409
    assert _state(recommendation) == before
    page = _page(response)
    assert "Người khác vừa cập nhật kiến nghị này" in page
    assert "Trong lúc đó." in page  # the fresh state: their change is in the history
    assert "Ý kiến rất dài của tôi." in page  # and what this user typed is still there
    assert response.context["move_form"]["status"].value() == "in_progress"
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert f'name="move-version" value="{fresh.version}"' in page
    # Submitting again, having seen the change, goes through.
    response = _post(
        staff_client, fresh, "move", status="in_progress", comment="Ý kiến rất dài của tôi."
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=recommendation.pk).status == Status.IN_PROGRESS


def test_a_comment_for_a_move_no_longer_open_moves_to_the_note_form(
    client, officer_qn, ministry_user
):
    recommendation = _put(QN, Status.ASSIGNED)
    loaded = recommendation.version
    # Meanwhile the ministry closed it: nothing is open to the officer any more.
    from recommendations.services import recommendation_transition

    recommendation_transition(
        recommendation=recommendation,
        to_status=Status.RESOLVED,
        by=ministry_user,
        resolution_note="Đã giải quyết.",
    )
    client.force_login(officer_qn)
    response = _post(
        client, recommendation, "move", version=loaded, status="in_progress", comment="Đã bắt đầu."
    )
    assert response.status_code == 409
    assert response.context["move_form"] is None
    assert response.context["note_form"]["comment"].value() == "Đã bắt đầu."
    assert Recommendation.objects.get(pk=recommendation.pk).status == Status.RESOLVED


def test_a_resolution_note_no_form_can_hold_is_shown_with_the_conflict(staff_client, admin_user):
    recommendation = _put(QN, Status.IN_PROGRESS)
    loaded = recommendation.version
    from recommendations.services import recommendation_transition

    recommendation_transition(
        recommendation=recommendation,
        to_status=Status.RESOLVED,
        by=admin_user,
        resolution_note="Của người kia.",
    )
    response = _post(
        staff_client,
        recommendation,
        "move",
        version=loaded,
        status="resolved",
        resolution_note="Kết quả tôi đã soạn kỹ.",
    )
    assert response.status_code == 409
    page = _page(response)
    assert 'name="move-resolution_note"' not in page  # closed now: only reopening is offered
    assert "Kết quả tôi đã soạn kỹ." in page.split('class="kept-text"')[1]


@pytest.mark.parametrize("version", ["", "abc", "-1", "9" * 40])
def test_a_missing_or_odd_version_is_a_conflict_not_a_failure(staff_client, version):
    recommendation = _put(QN, Status.ASSIGNED)
    before = _state(recommendation)
    response = _post(
        staff_client, recommendation, "move", version=version, status="in_progress", comment="x"
    )
    assert response.status_code == 409
    assert _state(recommendation) == before


def test_a_save_racing_between_the_check_and_the_lock_is_a_conflict(staff_client):
    # The version matched when the view looked, but another save won the row lock first: the
    # service's own check under the lock refuses it.
    recommendation = _put(QN, Status.ASSIGNED)
    before = _state(recommendation)
    with mock.patch(
        "recommendations.views.recommendation_transition", side_effect=StaleRecommendation()
    ):
        response = _post(
            staff_client, recommendation, "move", status="in_progress", comment="Giữ lại."
        )
    assert response.status_code == 409
    assert "Giữ lại." in _page(response)
    assert _state(recommendation) == before


# --- progress notes -----------------------------------------------------------------------------


def test_officer_adds_a_progress_note_at_home(client, officer_qn):
    recommendation = Recommendation.objects.get(key=QN)
    client.force_login(officer_qn)
    response = _post(client, recommendation, "note", comment="Sở đã họp với các xã.")
    assert response.status_code == 302
    entry = recommendation.history.last()
    assert (entry.is_note, entry.changed_by, entry.comment) == (
        True,
        officer_qn,
        "Sở đã họp với các xã.",
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Status.REPORTED
    assert "Đã thêm ghi chú tiến độ." in _page(client.get(response["Location"]))


def test_an_empty_note_is_asked_for(client, officer_qn):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    client.force_login(officer_qn)
    response = _post(client, recommendation, "note", comment="   ")
    assert response.status_code == 200
    assert 'href="#id_note-comment"' in _page(response)
    assert _state(recommendation) == before


@pytest.mark.parametrize("who", ["officer_bn", "plain_user"])
def test_forged_note_is_forbidden(client, request, who):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    client.force_login(request.getfixturevalue(who))
    response = _post(client, recommendation, "note", comment="Giả mạo.")
    assert response.status_code == 403
    assert _state(recommendation) == before


def test_a_stale_note_keeps_its_text(client, officer_qn, ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    loaded = recommendation.version
    recommendation_add_note(recommendation=recommendation, by=ministry_user, comment="Bộ ghi.")
    client.force_login(officer_qn)
    response = _post(client, recommendation, "note", version=loaded, comment="Sở ghi.")
    assert response.status_code == 409
    assert response.context["note_form"]["comment"].value() == "Sở ghi."
    assert not recommendation.history.filter(comment="Sở ghi.").exists()


# --- triage -------------------------------------------------------------------------------------


def test_staff_triage_assigns_and_the_unit_is_mailed(
    staff_client, ministry_user, django_capture_on_commit_callbacks
):
    recommendation = Recommendation.objects.get(key=QN)
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    colleague = make_user("vienthong", unit_name=unit.name, email="vt@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            staff_client,
            recommendation,
            "triage",
            responsible_unit=unit.pk,
            priority=30,
            due_date="31/12/2030",
            comment="Theo chỉ đạo của Lãnh đạo Bộ.",
        )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.responsible_unit) == (Status.ASSIGNED, unit)
    assert (recommendation.priority, recommendation.due_date) == (30, datetime.date(2030, 12, 31))
    # One triage, one history entry: the move to assigned, saying what was set and why.
    assert not recommendation.history.filter(to_status=Status.REPORTED, from_status=Status.REPORTED)
    entry = recommendation.history.get(to_status=Status.ASSIGNED)
    assert "Theo chỉ đạo của Lãnh đạo Bộ." in entry.comment and "Cục Viễn thông" in entry.comment
    assert [colleague.email] in [message.to for message in mail.outbox]


def test_triage_without_a_change_writes_nothing(staff_client):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    response = _post(staff_client, recommendation, "triage", priority=20)
    assert response.status_code == 302
    assert _state(recommendation) == before
    assert "Không có gì để lưu" in _page(staff_client.get(response["Location"]))


def test_a_unit_cannot_be_removed_while_it_is_being_handled(staff_client):
    recommendation = _put(QN, Status.IN_PROGRESS)
    before = _state(recommendation)
    response = _post(staff_client, recommendation, "triage", responsible_unit="", priority=20)
    assert response.status_code == 200
    assert "responsible_unit" in response.context["failed_form"].errors
    assert _state(recommendation) == before


@pytest.mark.parametrize("due_date", ["31/02/2025", "ngày mai", "2025-13-01"])
def test_a_bad_due_date_is_an_error(staff_client, due_date):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    response = _post(staff_client, recommendation, "triage", priority=20, due_date=due_date)
    assert response.status_code == 200
    assert 'href="#id_triage-due_date"' in _page(response)
    assert _state(recommendation) == before


@pytest.mark.parametrize("who", ["officer_qn", "officer_bn", "plain_user"])
def test_forged_triage_is_forbidden(client, request, who):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    client.force_login(request.getfixturevalue(who))
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    response = _post(client, recommendation, "triage", responsible_unit=unit.pk, priority=40)
    assert response.status_code == 403
    assert _state(recommendation) == before


def test_a_stale_triage_keeps_the_values_typed(staff_client, admin_user):
    recommendation = Recommendation.objects.get(key=QN)
    loaded = recommendation.version
    recommendation_add_note(recommendation=recommendation, by=admin_user, comment="Trước.")
    response = _post(
        staff_client, recommendation, "triage", version=loaded, priority=40, due_date="01/12/2025"
    )
    assert response.status_code == 409
    form = response.context["triage_form"]
    assert (str(form["priority"].value()), form["due_date"].value()) == ("40", "01/12/2025")
    assert Recommendation.objects.get(pk=recommendation.pk).priority == 20


# --- e-mail from the page -----------------------------------------------------------------------


def test_a_status_change_on_the_page_mails_the_provinces_officers(
    staff_client, officer_qn, officer_bn, django_capture_on_commit_callbacks
):
    officer_qn.email, officer_bn.email = "qn@example.invalid", "bn@example.invalid"
    officer_qn.save()
    officer_bn.save()
    recommendation = _put(QN, Status.ASSIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        _post(staff_client, recommendation, "move", status="in_progress", comment="Bắt đầu.")
    assert [message.to for message in mail.outbox] == [["qn@example.invalid"]]
    assert "đang xử lý" in mail.outbox[0].subject
    assert "Bắt đầu." in mail.outbox[0].body


def test_nothing_is_mailed_when_the_change_is_refused(
    staff_client, officer_qn, django_capture_on_commit_callbacks
):
    officer_qn.email = "qn@example.invalid"
    officer_qn.save()
    recommendation = _put(QN, Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        _post(staff_client, recommendation, "move", status="resolved")  # no resolution note
    assert mail.outbox == []


# --- the timeline -------------------------------------------------------------------------------


def test_timeline_tells_notes_from_status_changes_with_who_and_when(
    staff_client, officer_qn, ministry_user
):
    recommendation = Recommendation.objects.get(key=QN)
    officer_qn.first_name, officer_qn.last_name = "Lan", "Nguyễn Thị"
    officer_qn.save()
    # 02:30 UTC is 09:30 in Hà Nội.
    moment = datetime.datetime(2025, 10, 15, 2, 30, tzinfo=datetime.UTC)
    StatusChange.objects.create(
        recommendation=recommendation,
        from_status=Status.REPORTED,
        to_status=Status.REPORTED,
        changed_by=officer_qn,
        changed_at=moment,
        comment="Sở đang tổng hợp.",
    )
    page = _page(staff_client.get(recommendation.get_absolute_url()))
    timeline = page.split('class="timeline"')[1]
    note = timeline.split('timeline__item--note">')[1].split("</li>")[0]
    assert "15/10/2025 09:30" in note
    assert 'datetime="2025-10-15T09:30:00+07:00"' in note
    assert "Lan Nguyễn Thị" in note
    assert "Ghi chú" in note and "Sở đang tổng hợp." in note
    # Newest first: the note, then the seed's move new → reported, then its recording.
    change = timeline.split('timeline__item--status">')[1].split("</li>")[0]
    assert "Chuyển trạng thái" in change
    assert 'badge--new">mới tiếp nhận<' in change and 'badge--reported"' in change
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", change)


def test_language_switch_after_a_failed_action_returns_to_the_page(staff_client):
    recommendation = _put(QN, Status.IN_PROGRESS)
    response = _post(staff_client, recommendation, "move", status="resolved")
    page = _page(response)
    assert f'name="next" value="{recommendation.get_absolute_url()}"' in page


def test_texts_are_escaped(staff_client, ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    recommendation_add_note(
        recommendation=recommendation, by=ministry_user, comment="<script>alert(1)</script>"
    )
    page = _page(staff_client.get(recommendation.get_absolute_url()))
    assert "<script>alert(1)" not in page
    assert escape("<script>alert(1)</script>") in page


# --- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # session, user, the row, the user's roles; the record's sections (drawn here: the
        # tests keep no cache; see test_record_cache.py) – its visit, addressees, fields,
        # supporting units, obstacles, history, the history's files and documents, the
        # documents cited; the similar recommendations (their campaign's start, the
        # candidates and, on a small table, the sample of word pairs: issue 12), …
        ("ministry_user", 18),  # … and the units of the triage form (the one way to assign)
        ("officer_qn", 17),  # … and the officer's province binding
        ("plain_user", 16),  # (no role: nothing more to look up)
    ],
)
def test_detail_query_count_is_fixed_for_every_role(
    client, request, django_assert_num_queries, who, expected
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    recommendation = Recommendation.objects.get(key=QN)
    url = recommendation.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(expected):
        client.get(url)
    author = make_user("ghichep", "Cán bộ Bộ")
    for n in range(10):
        recommendation_add_note(
            recommendation=Recommendation.objects.get(pk=recommendation.pk),
            by=author,
            comment=f"Ghi chú {n}",
        )
    with django_assert_num_queries(expected):
        client.get(url)


def test_every_entry_is_dated_in_hanoi_time():
    assert str(timezone.get_current_timezone()) == "Asia/Ho_Chi_Minh"


def test_a_failed_submit_says_so_in_the_page_title(staff_client):
    recommendation = _put(QN, Status.IN_PROGRESS)
    page = _page(_post(staff_client, recommendation, "move", status="resolved"))
    assert "<title>Lỗi: Kiến nghị số" in page
    assert "<title>Kiến nghị số" in _page(staff_client.get(recommendation.get_absolute_url()))
