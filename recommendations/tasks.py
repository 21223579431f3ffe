"""The recommendations' jobs on the Celery queue (eager without a broker).

Mail tasks retry with exponential back-off when the mail server fails; ``reminders.send_once``
makes a retry, or a task delivered twice, send nothing already sent.
"""

import datetime
import logging
from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from . import reminders, workdays

logger = logging.getLogger(__name__)

MAIL_TASK = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="recommendations.send_status_changed", **MAIL_TASK)
def send_status_changed(entry_id: int) -> int:
    return reminders.send_status_changed(entry_id)


@shared_task(name="recommendations.send_assigned", **MAIL_TASK)
def send_assigned(recommendation_id: int, unit_id: int, by_id: int | None, version: int) -> int:
    return reminders.send_assigned(recommendation_id, unit_id, by_id, version)


@shared_task(name="recommendations.send_digest", **MAIL_TASK)
def send_digest(user_id: int, date: str) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return reminders.send_digest(user, datetime.date.fromisoformat(date))


@shared_task(name="recommendations.send_reminders")
def send_reminders(date: str | None = None) -> int:
    """The beat's daily job: one digest task per person, on working days only."""
    today = datetime.date.fromisoformat(date) if date else timezone.localdate()
    if not workdays.is_working_day(today):
        logger.info("%s is not a working day: no reminders", today)
        return 0
    users = list(reminders.digest_candidates().values_list("pk", flat=True))
    for user_id in users:
        send_digest.delay(user_id, today.isoformat())
    return len(users)


@shared_task
def purge_import_previews() -> None:
    """Daily: remove the visit-notes previews nobody confirmed (``purge_import_previews``)."""
    call_command("purge_import_previews")
