"""A real Celery worker against the machine's Redis: one notification and one digest end to end.

The worker is a separate process, so it must see the test database: this runs on PostgreSQL
(`.ci/run`'s PostgreSQL section); SQLite's test database lives in this process's memory and the
test is skipped there with that reason. Without Redis it is skipped, except under CI=true,
where it fails. Redis database and queue are this test's own, so parallel runs do not mix.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from provinces.models import Province
from recommendations import roles, tasks
from recommendations.models import Recommendation, Status
from recommendations.services import recommendation_transition
from surveys.models import MinistryUnit, UnitMembership
from tests.conftest import make_user
from tracker.celery import app

pytestmark = [pytest.mark.worker]

REDIS_URL = os.environ.get("WORKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def _redis_up() -> bool:
    from urllib.parse import urlparse

    url = urlparse(REDIS_URL)
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


def _skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI needs it.")
    pytest.skip(reason)


@pytest.fixture
def worker(tmp_path, seeded_transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see SQLite's in-memory test database")
    if not _redis_up():
        _skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    db = connection.settings_dict
    queue = f"tracker-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SITE_URL": "https://theodoi.example.vn",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
    }
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker"]
    command += ["--pool", "solo", "--queues", queue, "--loglevel", "INFO", "--without-heartbeat"]
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
    )
    saved = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "task_always_eager",
            "task_default_queue",
        )
    }
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
    _reset_pool()  # connections are made from broker_url when the pool is created
    try:
        yield mail_dir, tmp_path / "worker.log"
    finally:
        app.conf.update(saved)
        _reset_pool()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _reset_pool():
    # Celery keeps its connection and producer pools on the app; drop them so the next
    # publish connects with the current broker_url (this test's, then none again).
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def _wait_for_mail(mail_dir: Path, count: int, log: Path, timeout=90) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.iterdir())
        if len(files) >= count:
            time.sleep(1)  # let the file backend finish writing
            return [f.read_text(encoding="utf-8") for f in sorted(mail_dir.iterdir())]
        time.sleep(0.5)
    pytest.fail(f"no mail after {timeout}s; worker log:\n{log.read_text()[-4000:]}")


def test_a_notification_and_a_digest_go_through_a_real_worker(worker):
    mail_dir, log = worker
    province = Province.objects.get(code="22")
    unit = MinistryUnit.objects.create(name="Vụ Hàng đợi", kind="department")
    staff = make_user("canbo_hd", roles.MINISTRY_STAFF, email="canbo.hd@example.invalid")
    UnitMembership.objects.create(unit=unit, user=staff)
    make_user("sokhcn_hd", roles.PROVINCIAL_OFFICER, province_code="22", email="hd@example.invalid")
    recommendation = Recommendation.objects.create(
        province=province,
        text="Kiến nghị qua hàng đợi.",
        theme="legal",
        responsible_unit=unit,
        status=Status.ASSIGNED,
        due_date=timezone.localdate() + datetime.timedelta(days=2),
    )
    # The notification: queued on commit, sent by the worker to the province's officer.
    recommendation_transition(recommendation=recommendation, to_status=Status.IN_PROGRESS, by=staff)
    messages = _wait_for_mail(mail_dir, 1, log)
    assert any("hd@example.invalid" in m and "Kiến nghị qua hàng đợi." in m for m in messages)

    # The digest: one task for the unit's staff member.
    tasks.send_digest.delay(staff.pk, timezone.localdate().isoformat())
    messages = _wait_for_mail(mail_dir, 2, log)
    digest = [m for m in messages if "canbo.hd@example.invalid" in m]
    assert digest, messages
    assert "https://theodoi.example.vn/recommendations/" in digest[0]
    assert "text/html" in digest[0]
