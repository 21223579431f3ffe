import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation, Status

pytestmark = pytest.mark.django_db


def test_command_moves_through_the_lifecycle_as_the_system():
    call_command(
        "move_recommendation",
        "2025-gia-lai-kn-01",
        "not_accepted",
        "--resolution-note",
        "Thuộc thẩm quyền của tỉnh.",
    )
    recommendation = Recommendation.objects.get(key="2025-gia-lai-kn-01")
    assert recommendation.status == Status.NOT_ACCEPTED
    entry = recommendation.history.last()
    assert (entry.changed_by, entry.to_status) == (None, Status.NOT_ACCEPTED)


def test_command_refuses_what_the_lifecycle_refuses():
    with pytest.raises(CommandError, match="Cần ghi kết quả xử lý"):
        call_command("move_recommendation", "2025-gia-lai-kn-01", "resolved")
    with pytest.raises(CommandError, match="không thể chuyển"):
        call_command("move_recommendation", "2025-gia-lai-kn-01", "in_progress")
    assert Recommendation.objects.get(key="2025-gia-lai-kn-01").status == Status.REPORTED


def test_command_checks_the_named_user(officer_qn):
    with pytest.raises(CommandError, match="không có quyền"):
        call_command(
            "move_recommendation",
            "2025-gia-lai-kn-01",
            "not_accepted",
            "--resolution-note",
            "x",
            "--user",
            officer_qn.username,
        )


def test_command_reports_an_unknown_recommendation():
    with pytest.raises(CommandError, match="No recommendation"):
        call_command("move_recommendation", "khong-co", "resolved")
