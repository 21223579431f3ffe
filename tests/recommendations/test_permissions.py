"""The permission matrix of the pages: every role × every action × a recommendation of the
officer's own province or of another. What is allowed takes effect; what is refused is refused
by the server (whatever the page showed) and changes nothing."""

import pytest
from django.urls import reverse

from recommendations.models import Recommendation, Status
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"  # Quảng Ninh: officer_qn's own province
BN = "2025-bac-ninh-kn-01"  # Bắc Ninh: officer_bn's own province

ROLES = ["admin_user", "ministry_user", "officer_qn", "officer_bn", "plain_user", "anonymous"]
ACTIONS = ["view", "move", "note", "triage", "bulk"]


def _expected(role, action, key) -> bool:
    """The rule, written out independently of recommendations.access."""
    if role == "anonymous":
        return False
    if action == "view" or role in ("admin_user", "ministry_user"):
        return True
    if action in ("triage", "bulk"):
        return False
    home = {"officer_qn": QN, "officer_bn": BN}.get(role)
    return home == key


def _state(recommendation):
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    return (fresh.status, fresh.version, fresh.history.count(), fresh.priority)


def _request(client, action, recommendation):
    unit = recommendation.responsible_unit_id
    version = recommendation.version
    if action == "view":
        return client.get(recommendation.get_absolute_url())
    if action == "bulk":
        return client.post(
            reverse("recommendations:bulk"), {"ids": [recommendation.pk], "bulk-priority": "40"}
        )
    data = {
        "move": {"status": Status.IN_PROGRESS, "comment": "Bắt đầu triển khai."},
        "note": {"comment": "Sở đã làm việc với các xã."},
        "triage": {"responsible_unit": unit, "priority": "40"},
    }[action]
    payload = {f"{action}-{name}": value for name, value in data.items()}
    payload[f"{action}-version"] = version
    return client.post(reverse(f"recommendations:{action}", args=[recommendation.pk]), payload)


def _effect(action, before, after) -> bool:
    status, version, history, priority = after
    if action == "move":
        return status == Status.IN_PROGRESS and version == before[1] + 1
    if action == "note":
        return history == before[2] + 1 and status == before[0] and version == before[1] + 1
    if action in ("triage", "bulk"):
        return priority == 40 and version == before[1] + 1
    return after == before


@pytest.mark.parametrize("key", [QN, BN], ids=["quang-ninh", "bac-ninh"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, role, action, key):
    Recommendation.objects.filter(key__in=[QN, BN]).update(
        status=Status.ASSIGNED, responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế")
    )
    recommendation = Recommendation.objects.get(key=key)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = _state(recommendation)

    response = _request(client, action, recommendation)
    after = _state(recommendation)

    if _expected(role, action, key):
        assert response.status_code in (200, 302), response.status_code
        if action != "view":
            assert response.status_code == 302  # saved, then back to the page
        assert _effect(action, before, after), (before, after)
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code == 403
        assert after == before
    # Whoever may not act sees no form for it either.
    if role != "anonymous" and action != "view":
        page = client.get(recommendation.get_absolute_url()).content.decode()
        form_shown = {
            "move": 'id="move-form"',
            "note": 'id="note-form"',
            "triage": 'id="triage-form"',
        }.get(action)
        if form_shown and not _expected(role, action, key):
            assert form_shown not in page
        if action == "bulk":
            listed = client.get(reverse("recommendations:list")).content.decode()
            assert ('id="bulk-form"' in listed) == _expected(role, "bulk", key)


def test_an_officer_bound_to_no_province_may_only_read(client):
    from recommendations import roles
    from tests.conftest import make_user

    client.force_login(make_user("chua_gan_tinh", roles.PROVINCIAL_OFFICER))
    Recommendation.objects.filter(key=QN).update(
        status=Status.ASSIGNED, responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế")
    )
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert 'class="action-form"' not in page
    for action in ("move", "note", "triage", "bulk"):
        assert _request(client, action, recommendation).status_code == 403, action
    assert _state(recommendation) == before
