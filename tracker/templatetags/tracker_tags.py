import datetime

from django import template

from tracker import widgets

register = template.Library()


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes: ``{{ cooloff_timedelta|minutes }}``."""
    return int(duration.total_seconds() // 60) if duration else 0


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
