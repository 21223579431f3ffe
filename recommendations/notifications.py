"""E-mail to the people a change concerns, queued once the change is committed.

- When a recommendation is assigned to a unit: the unit's staff (``MinistryUnit.members``).
- When its status changes: the provincial officers of its province.
Nobody is mailed about their own change. The mail itself is sent by a Celery task
(``tasks.py``) after the transaction commits; without a broker the task runs in this process.
If the broker cannot be reached, the page still saves: the change is logged and written as a
line of the person's next digest instead (``DigestLine``).

Inside ``batched()`` (bulk actions, imports) no mail is queued at all: each change becomes one
line of each person's next daily digest.
"""

import contextvars
import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_batched = contextvars.ContextVar("recommendation_notifications_batched", default=False)


@contextmanager
def batched():
    """Within this block, changes go to the next digest instead of a mail each."""
    token = _batched.set(True)
    try:
        yield
    finally:
        _batched.reset(token)


def recommendation_link(recommendation) -> str:
    try:
        path = recommendation.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        path = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    return settings.SITE_URL.rstrip("/") + path


def recipients(users, *, exclude=None) -> list:
    """Active users with an address, but not the person who made the change."""
    return sorted(
        (
            user
            for user in users
            if user.is_active and user.email and (exclude is None or user.pk != exclude.pk)
        ),
        key=lambda user: user.pk,
    )


def province_officers(province_id):
    User = get_user_model()
    return User.objects.filter(provincial_officer__province=province_id)


def unit_members(unit):
    return unit.members.all()


def _digest_lines(users, recommendation, text) -> None:
    from .models import DigestLine

    DigestLine.objects.bulk_create(
        DigestLine(recipient=user, recommendation=recommendation, text=text[:300]) for user in users
    )


def _status_line(entry) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Status: %(source)s → %(target)s") % {
            "source": entry.get_from_status_display() or "—",
            "target": entry.get_to_status_display(),
        }


def _assigned_line(unit) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Assigned to %(unit)s.") % {"unit": unit}


def enqueue(task, *args, fallback=None) -> None:
    """Queue ``task``; when the broker (or, eager, the mail server) fails, log and fall back:
    the change is saved and must not look failed to the person who made it."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not queue %s%s; it goes into the next digest", task.name, args)
        if fallback is not None:
            try:
                with transaction.atomic():
                    fallback()
            except Exception:
                logger.exception("Could not record %s%s for the digest either", task.name, args)


def status_changed_on_commit(entry) -> None:
    """Tell the province's officers that one of their recommendations changed status."""
    from . import tasks

    recommendation = entry.recommendation

    def lines():
        officers = province_officers(recommendation.province_id)
        people = recipients(officers, exclude=entry.changed_by)
        _digest_lines(people, recommendation, _status_line(entry))

    if _batched.get():
        lines()
        return
    transaction.on_commit(lambda: enqueue(tasks.send_status_changed, entry.pk, fallback=lines))


def assigned_on_commit(recommendation, *, by) -> None:
    """Tell the responsible unit's staff that a recommendation was assigned to their unit."""
    from . import tasks

    unit = recommendation.responsible_unit

    def lines():
        members = recipients(unit_members(unit), exclude=by)
        _digest_lines(members, recommendation, _assigned_line(unit))

    if _batched.get():
        lines()
        return
    args = (recommendation.pk, unit.pk, by.pk if by else None, recommendation.version)
    transaction.on_commit(lambda: enqueue(tasks.send_assigned, *args, fallback=lines))
