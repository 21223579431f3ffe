import datetime

from django import template

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
