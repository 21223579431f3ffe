"""Sending mail once: the notifications of a change and the daily digest.

Every mail has a key naming what it is about (``digest:2026-12-01:42``, ``status:917:42``); the
key is written in ``SentMail`` in the same transaction that sends, so a retried task, a second
worker or a second run of ``send_reminders`` finds it and sends nothing. A failed send rolls the
key back, and the task's retry tries again.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from surveys.models import MinistryUnit

from . import deadlines, notifications, work, workdays
from .models import DigestLine, Recommendation, SentMail, StatusChange

logger = logging.getLogger(__name__)


def send_once(key: str, *, user, subject: str, body: str, html: str | None = None) -> bool:
    """Send unless a mail with ``key`` already went out; True when sent now."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentMail.objects.create(key=key, recipient=user, subject=subject[:300])
        except IntegrityError:
            return False
        message = EmailMultiAlternatives(subject, body, to=[user.email])
        if html:
            message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)
    return True


def _render(template: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject, _separator, body = render_to_string(template, context).partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_status_changed(entry_id: int) -> int:
    """Mail the province's officers about a status change; returns how many were sent."""
    entry = StatusChange.objects.select_related("recommendation__province", "changed_by").filter(
        pk=entry_id
    )
    entry = entry.first()
    if entry is None:
        return 0
    recommendation = entry.recommendation
    context = {
        "entry": entry,
        "recommendation": recommendation,
        "link": notifications.recommendation_link(recommendation),
    }
    subject, body = _render("recommendations/email/status_changed.txt", context)
    officers = notifications.province_officers(recommendation.province_id)
    return sum(
        send_once(f"status:{entry.pk}:{user.pk}", user=user, subject=subject, body=body)
        for user in notifications.recipients(officers, exclude=entry.changed_by)
    )


def send_assigned(recommendation_id: int, unit_id: int, by_id: int | None, version: int) -> int:
    recommendation = Recommendation.objects.select_related("province").filter(pk=recommendation_id)
    recommendation, unit = recommendation.first(), MinistryUnit.objects.filter(pk=unit_id).first()
    if recommendation is None or unit is None:
        return 0
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    context = {
        "recommendation": recommendation,
        "unit": unit,
        "by": by,
        "link": notifications.recommendation_link(recommendation),
    }
    subject, body = _render("recommendations/email/assigned.txt", context)
    key = f"assigned:{recommendation.pk}:{unit.pk}:{version}"
    return sum(
        send_once(f"{key}:{user.pk}", user=user, subject=subject, body=body)
        for user in notifications.recipients(notifications.unit_members(unit), exclude=by)
    )


# --- The daily digest --------------------------------------------------------------------------


def digest_candidates():
    """Everyone who may have something: provincial officers and unit members, with an address."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(provincial_officer__isnull=False) | Q(ministry_units__isnull=False))
        .distinct()
        .order_by("pk")
    )


def digest_for(user, today: datetime.date) -> dict | None:
    """What the digest of ``today`` tells ``user``, or None when there is nothing."""
    sections = work.sections_for(user, today=today, digest=True)
    for section in sections:
        section.lines = [
            (
                recommendation,
                deadlines.due_meaning(recommendation, today),
                notifications.recommendation_link(recommendation),
            )
            for recommendation in section.items
        ]
        section.full_url = settings.SITE_URL.rstrip("/") + section.url
    pending = list(
        DigestLine.objects.filter(recipient=user, sent_on__isnull=True)
        .select_related("recommendation__province")
        .order_by("created_at", "pk")
    )
    changes = [
        (line, notifications.recommendation_link(line.recommendation))
        for line in pending
        if _visible(user, line.recommendation)
    ]
    if not sections and not changes:
        return None
    return {"sections": sections, "changes": changes, "pending": pending}


def _visible(user, recommendation) -> bool:
    # Lines were written for the right people; a person since moved to another province or
    # unit must not read about their former one.
    from . import access

    province_id = access.officer_province_id(user)
    if province_id is not None:
        return recommendation.province_id == province_id
    units = set(work.unit_ids(user))
    if recommendation.responsible_unit_id in units:
        return True
    supporting = recommendation.supporting_units.values_list("pk", flat=True)
    return bool(units & set(supporting))


def render_digest(user, today: datetime.date, digest: dict) -> tuple[str, str, str]:
    count = sum(len(section.lines) for section in digest["sections"]) + len(digest["changes"])
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "[Recommendation tracker] %(date)s: %(count)d item for you",
            "[Recommendation tracker] %(date)s: %(count)d items for you",
            count,
        ) % {"date": f"{today:%d/%m/%Y}", "count": count}
        context = {
            **digest,
            "user": user,
            "today": today,
            "my_work_url": settings.SITE_URL.rstrip("/") + "/viec-cua-toi/",
            "subject": subject,
        }
        body = render_to_string("recommendations/email/digest.txt", context)
        html = render_to_string("recommendations/email/digest.html", context)
    return subject, body, html


def send_digest(user, today: datetime.date, *, dry_run=False) -> bool:
    """Send ``user`` the digest of ``today`` once; True when one was (or, dry, would be) sent."""
    if SentMail.objects.filter(key=digest_key(user, today)).exists():
        return False
    digest = digest_for(user, today)
    if digest is None:
        return False
    if dry_run:
        return True
    subject, body, html = render_digest(user, today, digest)
    with transaction.atomic():
        sent = send_once(digest_key(user, today), user=user, subject=subject, body=body, html=html)
        if sent and digest["pending"]:
            DigestLine.objects.filter(pk__in=[line.pk for line in digest["pending"]]).update(
                sent_on=today
            )
    return sent


def digest_key(user, today) -> str:
    return f"digest:{today.isoformat()}:{user.pk}"


def send_reminders(today: datetime.date | None = None, *, dry_run=False) -> list:
    """Send the day's digests; returns the users who got one (or would, when dry)."""
    today = today or timezone.localdate()
    sent = []
    for user in digest_candidates():
        try:
            if send_digest(user, today, dry_run=dry_run):
                sent.append(user)
        except Exception:  # one person's failing mail must not stop everyone else's
            logger.exception("Digest of %s for %s failed", user.pk, today)
    return sent


def is_reminder_day(today: datetime.date) -> bool:
    return workdays.is_working_day(today)
