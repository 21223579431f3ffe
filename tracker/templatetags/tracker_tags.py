from django import template

register = template.Library()


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes: ``{{ cooloff_timedelta|minutes }}``."""
    return int(duration.total_seconds() // 60) if duration else 0
