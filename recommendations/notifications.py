"""E-mail to the people a change concerns, sent only once the change is committed.

- When a recommendation is assigned to a unit: the unit's staff (``MinistryUnit.members``).
- When its status changes: the provincial officers of its province.
Nobody is mailed about their own change. Sending failures are logged, never raised: the change
itself is already saved and must not look failed to the person who made it.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def recommendation_link(recommendation) -> str:
    try:
        path = recommendation.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        path = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    return settings.SITE_URL.rstrip("/") + path


def _addresses(users, *, exclude) -> list[str]:
    return sorted(
        {
            user.email
            for user in users
            if user.is_active and user.email and (exclude is None or user.pk != exclude.pk)
        }
    )


def _send(template: str, recipients: list[str], context: dict) -> None:
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, _separator, body = render_to_string(template, context).partition("\n")
    messages = [(subject.strip(), body.strip() + "\n", None, [to]) for to in recipients]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # the change is saved; a mail server outage must not undo or hide it
        logger.exception("Could not send %s to %s", template, recipients)


def status_changed_on_commit(entry) -> None:
    """Tell the province's officers that one of their recommendations changed status."""

    def send():
        recommendation = entry.recommendation
        User = get_user_model()
        officers = User.objects.filter(provincial_officer__province=recommendation.province_id)
        _send(
            "recommendations/email/status_changed.txt",
            _addresses(officers, exclude=entry.changed_by),
            {
                "entry": entry,
                "recommendation": recommendation,
                "link": recommendation_link(recommendation),
            },
        )

    transaction.on_commit(send)


def assigned_on_commit(recommendation, *, by) -> None:
    """Tell the responsible unit's staff that a recommendation was assigned to their unit."""
    unit = recommendation.responsible_unit

    def send():
        _send(
            "recommendations/email/assigned.txt",
            _addresses(unit.members.all(), exclude=by),
            {
                "recommendation": recommendation,
                "unit": unit,
                "by": by,
                "link": recommendation_link(recommendation),
            },
        )

    transaction.on_commit(send)
