"""The services' shape (issue 9): keyword-only, named <entity>_<action>, and ``recommendation_edit``
– the admin form's one call – all or nothing."""

import inspect

import pytest

from recommendations import services
from recommendations.models import Recommendation, Status
from recommendations.services import StaleRecommendation, recommendation_edit
from surveys.models import MinistryUnit

#: Functions of the module that write nothing: asked by forms and commands for a message.
HELPERS = {"check_transition", "refusal_messages"}
SERVICES = [
    function
    for name, function in inspect.getmembers(services, inspect.isfunction)
    if function.__module__ == services.__name__ and not name.startswith("_")
]


def test_every_service_takes_keyword_arguments_only():
    positional = [
        function.__name__
        for function in SERVICES
        if function.__name__ != "refusal_messages"
        for parameter in inspect.signature(function).parameters.values()
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]
    assert positional == []


def test_services_are_named_entity_action():
    for function in SERVICES:
        if function.__name__ not in HELPERS:
            assert function.__name__.split("_")[0] in (
                "recommendation",
                "recommendations",
                "status",
                "list",  # list_columns_*: a user's columns of the triage list
            ), function.__name__


@pytest.mark.django_db
def test_an_edit_changes_the_content_and_moves_the_status_together(ministry_user):
    recommendation = Recommendation.objects.get(key="2025-bac-ninh-kn-02")
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    result = recommendation_edit(
        recommendation=recommendation,
        by=ministry_user,
        changes={"text": "Nội dung mới.", "responsible_unit": unit},
        expected_version=recommendation.version,
    )
    assert result.text == "Nội dung mới." and result.status == Status.ASSIGNED


@pytest.mark.django_db
def test_a_stale_edit_writes_nothing(ministry_user):
    recommendation = Recommendation.objects.get(key="2025-bac-ninh-kn-02")
    before = recommendation.history.count()
    with pytest.raises(StaleRecommendation):
        recommendation_edit(
            recommendation=recommendation,
            by=ministry_user,
            changes={"text": "Ghi đè."},
            comment="Ghi chú.",
            expected_version=recommendation.version - 1,
        )
    recommendation.refresh_from_db()
    assert recommendation.text != "Ghi đè." and recommendation.history.count() == before
