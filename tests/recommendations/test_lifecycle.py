"""The lifecycle and the permission rule, through the one service every path uses."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recommendations import access
from recommendations.lifecycle import NEEDS_UNIT, TRANSITIONS, get_transition
from recommendations.models import CLOSED_STATUSES, Recommendation, ReplyDocument, Status
from recommendations.services import (
    StaleRecommendation,
    recommendation_add_note,
    recommendation_transition,
    recommendation_triage,
)
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"  # a Quảng Ninh recommendation
BN = "2025-bac-ninh-kn-01"  # a Bắc Ninh recommendation


def _put(key, status):
    """Test set-up only: place a recommendation in ``status`` with what that status needs."""
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    Recommendation.objects.filter(key=key).update(
        status=status,
        responsible_unit=unit,
        resolution_note="Đã trả lời." if status in CLOSED_STATUSES else "",
    )
    return Recommendation.objects.get(key=key)


def _inputs(transition):
    inputs = {
        "comment": "Lý do cụ thể." if transition.needs_comment else "",
        "resolution_note": "Bộ đã có văn bản trả lời." if transition.closes else None,
    }
    if transition.target == Status.RESOLUTION_PROPOSED:
        # An officer's proposal to close needs evidence (issue 12): cite a document.
        inputs["documents"] = [ReplyDocument.objects.create(number="1/UBND-KHCN")]
    return inputs


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}")
def test_ministry_staff_may_take_every_allowed_transition(ministry_user, transition):
    recommendation = _put(QN, transition.source)
    version = recommendation.version
    result = recommendation_transition(
        recommendation=recommendation,
        to_status=transition.target,
        by=ministry_user,
        **_inputs(transition),
    )
    assert result.status == transition.target
    assert result.version == version + 1
    entry = result.history.last()
    assert (entry.from_status, entry.to_status, entry.changed_by) == (
        transition.source,
        transition.target,
        ministry_user,
    )


FORBIDDEN = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if get_transition(source, target) is None
]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_every_other_move_is_refused_and_changes_nothing(ministry_user, source, target):
    recommendation = _put(QN, source)
    history = recommendation.history.count()
    with pytest.raises(ValidationError):
        recommendation_transition(
            recommendation=recommendation,
            to_status=target,
            by=ministry_user,
            comment="x",
            resolution_note="x",
        )
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.history.count()) == (source, history)


def test_an_unknown_status_is_refused(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    with pytest.raises(ValidationError):
        recommendation_transition(recommendation=recommendation, to_status="done", by=ministry_user)


def test_closing_needs_a_resolution_note(ministry_user):
    recommendation = _put(QN, Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        recommendation_transition(
            recommendation=recommendation, to_status=Status.RESOLVED, by=ministry_user
        )
    assert "resolution_note" in error.value.message_dict
    recommendation.refresh_from_db()
    assert recommendation.status == Status.IN_PROGRESS


def test_closing_records_the_reply_document(ministry_user):
    import datetime

    recommendation = _put(QN, Status.IN_PROGRESS)
    result = recommendation_transition(
        recommendation=recommendation,
        to_status=Status.RESOLVED,
        by=ministry_user,
        resolution_note="Bộ đã ban hành hướng dẫn.",
        reply_reference="1234/BKHCN-PC",
        reply_date=datetime.date(2025, 10, 1),
    )
    assert (result.reply_reference, result.reply_date.isoformat()) == (
        "1234/BKHCN-PC",
        "2025-10-01",
    )


def test_reopening_needs_a_reason(ministry_user):
    recommendation = _put(QN, Status.RESOLVED)
    with pytest.raises(ValidationError) as error:
        recommendation_transition(
            recommendation=recommendation, to_status=Status.IN_PROGRESS, by=ministry_user
        )
    assert "comment" in error.value.message_dict


@pytest.mark.parametrize(
    "transition",
    [t for t in TRANSITIONS if t.needs_unit and t.source not in NEEDS_UNIT],
    ids=lambda t: f"{t.source}->{t.target}",
)
def test_handling_needs_a_responsible_unit(ministry_user, transition):
    recommendation = _put(QN, transition.source)
    Recommendation.objects.filter(key=QN).update(responsible_unit=None)
    recommendation.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        recommendation_transition(
            recommendation=recommendation,
            to_status=transition.target,
            by=ministry_user,
            **_inputs(transition),
        )
    assert "responsible_unit" in error.value.message_dict


def test_a_stale_version_is_refused(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    loaded_version = recommendation.version
    recommendation_add_note(recommendation=recommendation, by=ministry_user, comment="Trước.")
    with pytest.raises(StaleRecommendation):
        recommendation_add_note(
            recommendation=recommendation,
            by=ministry_user,
            comment="Sau.",
            expected_version=loaded_version,
        )
    assert recommendation.history.filter(comment="Sau.").count() == 0


# --- provincial officers --------------------------------------------------------------------


OFFICER_MOVES = [t for t in TRANSITIONS if t.officer_may]


def test_officers_may_move_work_forward_only():
    assert {(t.source, t.target) for t in OFFICER_MOVES} == {
        (Status.ASSIGNED, Status.IN_PROGRESS),
        (Status.ASSIGNED, Status.RESOLUTION_PROPOSED),
        (Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED),
    }


@pytest.mark.parametrize("transition", OFFICER_MOVES, ids=lambda t: f"{t.source}->{t.target}")
def test_officer_moves_their_own_province_forward(officer_qn, transition):
    recommendation = _put(QN, transition.source)
    result = recommendation_transition(
        recommendation=recommendation,
        to_status=transition.target,
        by=officer_qn,
        **_inputs(transition),
    )
    assert result.status == transition.target


@pytest.mark.parametrize("transition", OFFICER_MOVES, ids=lambda t: f"{t.source}->{t.target}")
def test_officer_cannot_touch_another_province(officer_qn, transition):
    recommendation = _put(BN, transition.source)
    with pytest.raises(PermissionDenied):
        recommendation_transition(
            recommendation=recommendation,
            to_status=transition.target,
            by=officer_qn,
            **_inputs(transition),
        )
    recommendation.refresh_from_db()
    assert recommendation.status == transition.source


@pytest.mark.parametrize(
    "transition",
    [t for t in TRANSITIONS if not t.officer_may],
    ids=lambda t: f"{t.source}->{t.target}",
)
def test_officer_cannot_take_the_ministrys_transitions_even_at_home(officer_qn, transition):
    recommendation = _put(QN, transition.source)
    with pytest.raises(PermissionDenied):
        recommendation_transition(
            recommendation=recommendation,
            to_status=transition.target,
            by=officer_qn,
            **_inputs(transition),
        )
    recommendation.refresh_from_db()
    assert recommendation.status == transition.source


def test_officer_notes_only_at_home(officer_qn):
    home = Recommendation.objects.get(key=QN)
    recommendation_add_note(recommendation=home, by=officer_qn, comment="Sở đang triển khai.")
    assert home.history.last().comment == "Sở đang triển khai."
    away = Recommendation.objects.get(key=BN)
    with pytest.raises(PermissionDenied):
        recommendation_add_note(recommendation=away, by=officer_qn, comment="Giả mạo.")
    assert not away.history.filter(comment="Giả mạo.").exists()


def test_officer_cannot_triage(officer_qn):
    recommendation = Recommendation.objects.get(key=QN)
    with pytest.raises(PermissionDenied):
        recommendation_triage(recommendation=recommendation, by=officer_qn, priority=40)
    recommendation.refresh_from_db()
    assert recommendation.priority == 20


def test_unbound_officer_and_plain_user_may_change_nothing(plain_user):
    from recommendations import roles
    from tests.conftest import make_user

    unbound = make_user("chua_gan_tinh", roles.PROVINCIAL_OFFICER)
    recommendation = _put(QN, Status.ASSIGNED)
    for user in (unbound, plain_user):
        assert access.allowed_transitions(user, recommendation) == []
        assert not access.can_change(user, recommendation)
        with pytest.raises(PermissionDenied):
            recommendation_add_note(recommendation=recommendation, by=user, comment="x")


# --- triage ----------------------------------------------------------------------------------


def test_assigning_a_unit_moves_a_reported_recommendation_to_assigned(ministry_user):
    import datetime

    recommendation = Recommendation.objects.get(key=QN)
    unit = MinistryUnit.objects.get(name="Vụ Tổ chức cán bộ")
    result = recommendation_triage(
        recommendation=recommendation,
        by=ministry_user,
        responsible_unit=unit,
        priority=Recommendation.Priority.HIGH,
        due_date=datetime.date(2030, 12, 31),
    )
    assert (result.status, result.responsible_unit, result.priority) == (
        Status.ASSIGNED,
        unit,
        30,
    )
    notes = list(result.history.values_list("from_status", "to_status", "comment"))
    # One triage, one entry: the move to assigned carries what the triage set.
    assert notes[-2][:2] == ("new", Status.REPORTED)
    assert notes[-1][:2] == (Status.REPORTED, Status.ASSIGNED)
    assert "Vụ Tổ chức cán bộ" in notes[-1][2] and "31/12/2030" in notes[-1][2]


def test_triage_without_a_change_writes_nothing(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    before = recommendation.history.count()
    recommendation_triage(recommendation=recommendation, by=ministry_user, priority=20)
    assert recommendation.history.count() == before


def test_overdue_is_derived_from_due_date_and_status():
    import datetime

    Recommendation.objects.filter(key=QN).update(due_date=datetime.date(2025, 1, 1))
    assert list(Recommendation.objects.overdue().values_list("key", flat=True)) == [QN]
    _put(QN, Status.RESOLVED)
    assert not Recommendation.objects.overdue().exists()
