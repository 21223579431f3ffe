"""The import's bulk variant of the lifecycle service refuses exactly what the service
refuses, for every pair of statuses and every kind of user."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recommendations.lifecycle import NEEDS_UNIT
from recommendations.models import CLOSED_STATUSES, Recommendation, Status
from recommendations.services import (
    ImportedRecommendation,
    recommendation_import_check,
    recommendation_transition,
)
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"


def _put(status, *, unit=True):
    unit = unit or status in NEEDS_UNIT  # the database requires one there
    Recommendation.objects.filter(key=QN).update(
        status=status,
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế") if unit else None,
        resolution_note="Đã trả lời." if status in CLOSED_STATUSES else "",
    )
    return Recommendation.objects.get(key=QN)


def _outcome(call):
    try:
        call()
    except PermissionDenied:
        return "permission"
    except ValidationError as error:
        fields = getattr(error, "error_dict", {"status": 0})
        # Unknown and forbidden moves: a non-field error here, under "status" once main's
        # check_transition is merged; the import reports both under its status column.
        return ("invalid", tuple(sorted(fields)))
    return "ok"


@pytest.mark.parametrize("actor", ["ministry", "officer_own", "officer_other", "system"])
@pytest.mark.parametrize("note", ["", "Lý do cụ thể."])
@pytest.mark.parametrize("unit", [True, False])
def test_import_check_refuses_what_the_transition_service_refuses(request, actor, note, unit):
    by = {
        "ministry": lambda: request.getfixturevalue("ministry_user"),
        "officer_own": lambda: request.getfixturevalue("officer_qn"),
        "officer_other": lambda: request.getfixturevalue("officer_bn"),
        "system": lambda: None,
    }[actor]()
    mismatches = []
    for source, target in itertools.product(Status.values, Status.values):
        if source == target:
            continue  # the import treats "same status" as no move at all
        item = ImportedRecommendation(
            recommendation=_put(source, unit=unit), status=target, note=note
        )
        checked = _outcome(lambda item=item: recommendation_import_check(item=item, by=by))
        served = _outcome(
            lambda source=source, target=target: recommendation_transition(
                recommendation=_put(source, unit=unit),
                to_status=target,
                by=by,
                comment=note,
                resolution_note=note or None,
            )
        )
        if checked != served:
            mismatches.append((source, target, checked, served))
    assert mismatches == []


def test_a_new_recommendation_by_an_officer_of_another_province_is_refused(officer_bn):
    existing = Recommendation.objects.get(key=QN)
    new = Recommendation(province=existing.province, text="x", theme="budget")
    with pytest.raises(PermissionDenied):
        recommendation_import_check(
            item=ImportedRecommendation(new, status=Status.NEW), by=officer_bn
        )


def test_triage_by_an_officer_is_refused(officer_qn):
    item = ImportedRecommendation(
        Recommendation.objects.get(key=QN), status=Status.REPORTED, triage_changes=["Hạn xử lý"]
    )
    with pytest.raises(PermissionDenied):
        recommendation_import_check(item=item, by=officer_qn)
