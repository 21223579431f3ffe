import datetime

from django import template
from django.contrib.messages import constants
from django.utils import timezone

from tracker import widgets

register = template.Library()


@register.filter
def has_error(messages) -> bool:
    """Whether the page's messages hold an error: a submit refused and redirected back with
    why (a hold without a reason, members already in another group), so the page's <title>
    starts with "Lỗi:" as it does when a form is shown again with its errors:
    ``{% if form.errors or messages|has_error %}``. The messages stay on the page."""
    return any(message.level == constants.ERROR for message in messages or ())


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes: ``{{ cooloff_timedelta|minutes }}``."""
    return int(duration.total_seconds() // 60) if duration else 0


@register.filter
def from_now(duration):
    """When a wait of ``duration`` (a timedelta) that starts now ends, in local time:
    ``{{ cooloff_timedelta|from_now|time:"H:i" }}``; None without a duration."""
    return timezone.localtime() + duration if duration else None


@register.filter
def iso_date(value):
    """An ISO date string ("2025-10-31", as open data keeps it) as a date, for the ``date``
    filter to show as dd/mm/yyyy; anything else unchanged."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.simple_tag
def field_row(field):
    """``{% field_row form.name %}``: the GOV.UK field (label, hint, errors, widget) every
    form of the site shows, rendered in Python (``tracker.widgets.field_row``)."""
    return widgets.field_row(field)
