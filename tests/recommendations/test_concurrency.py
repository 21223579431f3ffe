"""Two people saving the same recommendation at the same moment, on two database connections.

The second is told that the recommendation changed meanwhile; nothing is silently lost. This
needs real concurrent writers, which the in-memory SQLite test database cannot give (it
serialises every writer on one database lock), so it runs on PostgreSQL, as CI does.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from recommendations import roles
from recommendations.models import Recommendation, Status
from recommendations.services import (
    StaleRecommendation,
    recommendation_add_note,
    recommendation_transition,
    recommendation_triage,
)
from surveys.models import MinistryUnit
from tests.conftest import make_user

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two concurrent writers: run with DATABASE_URL pointing at PostgreSQL",
    ),
]


def _in_thread(target, results, name):
    def run():
        try:
            results[name] = target()
        except Exception as error:  # reported to the test, which asserts on it
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_second_save_on_the_same_version_is_told_it_changed_meanwhile(seeded_transactional_db):
    first_user = make_user("nguoi_thu_nhat", roles.MINISTRY_STAFF)
    second_user = make_user("nguoi_thu_hai", roles.MINISTRY_STAFF)
    recommendation = Recommendation.objects.get(key="2025-quang-ninh-kn-01")
    loaded_version = recommendation.version  # both people opened the page at this version
    first_holds_lock = threading.Event()
    second_started = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            recommendation_triage(
                recommendation=recommendation,
                by=first_user,
                priority=Recommendation.Priority.URGENT,
                expected_version=loaded_version,
            )
            first_holds_lock.set()
            # Keep the row locked until the second person is saving, so both overlap.
            second_started.wait(timeout=5)
        return "saved"

    def second():
        first_holds_lock.wait(timeout=5)
        second_started.set()
        recommendation_add_note(
            recommendation=recommendation,
            by=second_user,
            comment="Ghi chú của người thứ hai.",
            expected_version=loaded_version,
        )
        return "saved"

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    for thread in threads:
        thread.join(timeout=20)

    assert results["first"] == "saved"
    assert isinstance(results["second"], StaleRecommendation)
    recommendation.refresh_from_db()
    assert recommendation.priority == Recommendation.Priority.URGENT
    assert recommendation.version == loaded_version + 1
    assert not recommendation.history.filter(comment="Ghi chú của người thứ hai.").exists()


def test_two_simultaneous_moves_from_the_same_status_record_one(seeded_transactional_db):
    users = [make_user(f"canbo_{n}", roles.MINISTRY_STAFF) for n in range(2)]
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    recommendation = Recommendation.objects.get(key="2025-bac-ninh-kn-02")
    start = threading.Barrier(2)
    results = {}

    def move(user):
        def run():
            start.wait(timeout=5)
            return recommendation_transition(
                recommendation=recommendation,
                to_status=Status.ASSIGNED,
                by=user,
                responsible_unit=unit,
            ).status

        return run

    threads = [_in_thread(move(user), results, user.username) for user in users]
    for thread in threads:
        thread.join(timeout=20)

    # One move wins; the other finds the row already "assigned" (under the row lock) and is
    # refused by the lifecycle instead of writing a second, duplicate history entry.
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    won = [r for r in results.values() if r == Status.ASSIGNED]
    assert (len(won), len(refused)) == (1, 1), results
    assert recommendation.history.filter(to_status=Status.ASSIGNED).count() == 1


def test_two_people_saving_on_the_page_the_second_is_told(seeded_transactional_db):
    """The detail page end to end: two signed-in people opened the same version; one moves the
    status, the other saves the triage at the same moment. One is saved; the other gets the
    page telling them it changed meanwhile (409), and nothing of theirs is written."""
    from django.test import Client
    from django.urls import reverse

    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    Recommendation.objects.filter(key="2025-quang-ninh-kn-02").update(
        status=Status.ASSIGNED, responsible_unit=unit
    )
    recommendation = Recommendation.objects.get(key="2025-quang-ninh-kn-02")
    loaded = recommendation.version
    clients = []
    for n in range(2):
        client = Client()
        client.force_login(make_user(f"trang_{n}", roles.MINISTRY_STAFF))
        clients.append(client)
    posts = [
        (
            reverse("recommendations:move", args=[recommendation.pk]),
            {"move-status": "in_progress", "move-comment": "Bắt đầu.", "move-version": loaded},
        ),
        (
            reverse("recommendations:triage", args=[recommendation.pk]),
            {"triage-responsible_unit": unit.pk, "triage-priority": "40", "triage-version": loaded},
        ),
    ]
    start = threading.Barrier(2)
    results = {}

    def submit(n):
        def run():
            start.wait(timeout=5)
            url, data = posts[n]
            return clients[n].post(url, data).status_code

        return run

    threads = [_in_thread(submit(n), results, n) for n in range(2)]
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results.values()) == [302, 409], results
    recommendation.refresh_from_db()
    assert recommendation.version == loaded + 1
    moved = recommendation.status == Status.IN_PROGRESS
    triaged = recommendation.priority == 40
    assert moved != triaged  # exactly one of the two saves went through
