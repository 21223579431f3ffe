from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_overdue(recommendation) -> int:
    """Calendar days past the due date of an open recommendation (0 when not overdue).

    The one place the list, the detail page and the dashboard read the due date's meaning
    from (through includes/due.html), so counting working days later changes only this."""
    if not recommendation.is_overdue:
        return 0
    return (timezone.localdate() - recommendation.due_date).days
