"""The admin goes through the same lifecycle and permission rule as the pages: tested as staff
would use it and as a provincial officer trying to reach another province would attack it."""

import pytest
from django.core import mail
from django.urls import reverse

from recommendations.models import Recommendation, Status
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"
BN = "2025-bac-ninh-kn-01"


def change_url(recommendation):
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def form_data(client, recommendation, **overrides):
    """The change form as the browser would submit it untouched, plus ``overrides``."""
    response = client.get(change_url(recommendation))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = str(management[name].value())
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _assigned(key):
    Recommendation.objects.filter(key=key).update(
        status=Status.ASSIGNED, responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế")
    )
    return Recommendation.objects.get(key=key)


# --- ministry staff ---------------------------------------------------------------------------


def test_staff_are_offered_only_the_allowed_next_statuses(client, ministry_user):
    client.force_login(ministry_user)
    recommendation = Recommendation.objects.get(key=QN)
    form = client.get(change_url(recommendation)).context["adminform"].form
    offered = {value for value, _label in form.fields["new_status"].choices if value}
    assert offered == {Status.ASSIGNED, Status.RESOLVED, Status.NOT_ACCEPTED, Status.TRANSFERRED}


def test_staff_assign_a_unit_and_the_recommendation_becomes_assigned(client, ministry_user):
    client.force_login(ministry_user)
    recommendation = Recommendation.objects.get(key=QN)
    unit = MinistryUnit.objects.get(name="Vụ Tổ chức cán bộ")
    response = client.post(
        change_url(recommendation),
        form_data(client, recommendation, responsible_unit=str(unit.pk), priority="30"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.responsible_unit, recommendation.priority) == (
        Status.ASSIGNED,
        unit,
        30,
    )
    # One change, one entry: the assignment says what was set.
    last = recommendation.history.order_by("-id")[0]
    assert last.to_status == Status.ASSIGNED
    assert "Vụ Tổ chức cán bộ" in last.comment


def test_staff_close_with_a_resolution_note_and_reply_document(client, ministry_user):
    client.force_login(ministry_user)
    recommendation = _assigned(QN)
    response = client.post(
        change_url(recommendation),
        form_data(
            client,
            recommendation,
            new_status=Status.RESOLVED,
            resolution_note="Bộ đã ban hành Thông tư hướng dẫn.",
            reply_reference="123/BKHCN-TCCB",
            reply_date="15/10/2025",
        ),
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.RESOLVED
    assert recommendation.reply_reference == "123/BKHCN-TCCB"
    assert recommendation.reply_date.isoformat() == "2025-10-15"


def test_closing_without_a_note_shows_the_error_and_changes_nothing(client, ministry_user):
    client.force_login(ministry_user)
    recommendation = _assigned(QN)
    history = recommendation.history.count()
    response = client.post(
        change_url(recommendation), form_data(client, recommendation, new_status=Status.RESOLVED)
    )
    assert response.status_code == 200
    assert "resolution_note" in response.context["adminform"].form.errors
    assert "Cần ghi kết quả xử lý" in response.content.decode()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.history.count()) == (Status.ASSIGNED, history)


def test_a_comment_alone_is_a_progress_note(client, ministry_user):
    client.force_login(ministry_user)
    recommendation = Recommendation.objects.get(key=QN)
    client.post(
        change_url(recommendation),
        form_data(client, recommendation, comment="Đã chuyển Vụ Pháp chế nghiên cứu."),
    )
    entry = recommendation.history.last()
    assert (entry.from_status, entry.to_status, entry.comment) == (
        Status.REPORTED,
        Status.REPORTED,
        "Đã chuyển Vụ Pháp chế nghiên cứu.",
    )


def test_a_save_over_someone_elses_change_is_refused(client, ministry_user, admin_user):
    from recommendations.services import recommendation_add_note

    client.force_login(ministry_user)
    recommendation = Recommendation.objects.get(key=QN)
    data = form_data(client, recommendation, text="Nội dung sửa đè.")  # loaded now
    recommendation_add_note(recommendation=recommendation, by=admin_user, comment="Trong lúc đó.")
    response = client.post(change_url(recommendation), data)
    assert response.status_code == 200
    assert "người khác cập nhật" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.text != "Nội dung sửa đè."


# --- provincial officers, as attackers --------------------------------------------------------


def test_officer_sees_only_their_province_in_the_admin(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(reverse("admin:recommendations_recommendation_changelist"))
    assert {r.province.code for r in response.context["cl"].result_list} == {"22"}
    assert response.context["cl"].result_count == 6


def test_officer_cannot_open_another_provinces_record_by_url(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(change_url(Recommendation.objects.get(key=BN)))
    assert response.status_code == 302  # the admin says it does not exist
    assert response.url == reverse("admin:index")


def test_officer_forged_post_for_another_province_changes_nothing(client, officer_qn):
    target = _assigned(BN)
    before = (target.status, target.version, target.history.count())
    client.force_login(officer_qn)
    response = client.post(
        change_url(target),
        {"new_status": Status.IN_PROGRESS, "comment": "Giả mạo", "text": "Sửa trái phép"},
    )
    assert response.status_code in (302, 403)
    target.refresh_from_db()
    assert (target.status, target.version, target.history.count()) == before
    assert target.text != "Sửa trái phép"


def test_officer_moves_their_own_recommendation_and_edits_nothing_else(client, officer_qn):
    recommendation = _assigned(QN)
    client.force_login(officer_qn)
    data = form_data(client, recommendation, new_status=Status.IN_PROGRESS, comment="Bắt đầu.")
    data["text"] = "Sửa trái phép"
    data["priority"] = "40"
    response = client.post(change_url(recommendation), data)
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.IN_PROGRESS
    assert recommendation.text != "Sửa trái phép"
    assert recommendation.priority == 20


def test_officer_cannot_take_a_ministry_transition_by_forging_the_choice(client, officer_qn):
    recommendation = _assigned(QN)
    client.force_login(officer_qn)
    response = client.post(
        change_url(recommendation),
        form_data(client, recommendation, new_status=Status.RESOLVED, resolution_note="Tự đóng"),
    )
    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ASSIGNED


def test_officer_cannot_add_recommendations_in_the_admin(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(reverse("admin:recommendations_recommendation_add"))
    assert response.status_code == 403


# --- bulk action --------------------------------------------------------------------------------


def _bulk(client, ids, **fields):
    return client.post(
        reverse("admin:recommendations_recommendation_changelist"),
        {
            "action": "bulk_triage",
            "_selected_action": [str(i) for i in ids],
            "apply": "1",
            **fields,
        },
    )


def test_bulk_assign_records_each_recommendation(client, ministry_user):
    client.force_login(ministry_user)
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    selection = list(Recommendation.objects.filter(province__code="31"))
    response = _bulk(
        client, [r.pk for r in selection], responsible_unit=str(unit.pk), due_date="31/12/2030"
    )
    assert response.status_code == 302
    for recommendation in selection:
        recommendation.refresh_from_db()
        assert recommendation.status == Status.ASSIGNED
        assert recommendation.due_date.isoformat() == "2030-12-31"
        assert recommendation.history.filter(to_status=Status.ASSIGNED).count() == 1


def test_bulk_move_reports_the_ones_that_cannot_move(client, ministry_user):
    client.force_login(ministry_user)
    movable = _assigned(QN)
    stuck = Recommendation.objects.get(key=BN)  # still "reported": cannot go to in progress
    response = _bulk(client, [movable.pk, stuck.pk], new_status=Status.IN_PROGRESS)
    assert response.status_code == 302
    movable.refresh_from_db()
    stuck.refresh_from_db()
    assert (movable.status, stuck.status) == (Status.IN_PROGRESS, Status.REPORTED)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Not changed" in m or "Không thay đổi" in m for m in messages)


def test_bulk_action_is_not_offered_to_officers_and_forged_ids_change_nothing(client, officer_qn):
    client.force_login(officer_qn)
    foreign = Recommendation.objects.filter(province__code="24")
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    _bulk(client, [r.pk for r in foreign], responsible_unit=str(unit.pk))
    assert not Recommendation.objects.filter(province__code="24").exclude(responsible_unit=None)


def test_bulk_form_without_a_change_asks_for_one(client, ministry_user):
    client.force_login(ministry_user)
    response = _bulk(client, [Recommendation.objects.get(key=QN).pk])
    assert response.status_code == 200
    assert (
        "Choose at least one change" in response.content.decode()
        or "Hãy chọn" in response.content.decode()
    )


# --- e-mail -------------------------------------------------------------------------------------


def test_status_change_mails_the_provinces_officers(
    ministry_user, officer_qn, officer_bn, django_capture_on_commit_callbacks
):
    from recommendations.services import recommendation_transition

    officer_qn.email, officer_bn.email = "qn@example.invalid", "bn@example.invalid"
    officer_qn.save()
    officer_bn.save()
    recommendation = Recommendation.objects.get(key=QN)
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_transition(
            recommendation=recommendation,
            to_status=Status.ASSIGNED,
            by=ministry_user,
            responsible_unit=unit,
        )
    to_officers = [m for m in mail.outbox if m.to == ["qn@example.invalid"]]
    assert len(to_officers) == 1
    assert "Quảng Ninh" in to_officers[0].subject
    assert "đã giao xử lý" in to_officers[0].subject
    assert not [m for m in mail.outbox if m.to == ["bn@example.invalid"]]


def test_assignment_mails_the_units_staff_but_not_the_actor(
    ministry_user, django_capture_on_commit_callbacks
):
    from recommendations.services import recommendation_triage
    from tests.conftest import make_user

    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    colleague = make_user("vienthong", unit_name=unit.name, email="vt@example.invalid")
    ministry_user.email = "me@example.invalid"
    ministry_user.save()
    unit.members.add(ministry_user)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_triage(
            recommendation=Recommendation.objects.get(key=QN),
            by=ministry_user,
            responsible_unit=unit,
        )
    recipients = [m.to for m in mail.outbox]
    assert [colleague.email] in recipients
    assert ["me@example.invalid"] not in recipients
    body = next(m.body for m in mail.outbox if m.to == [colleague.email])
    assert "KH&CN" in body and "&amp;" not in body
