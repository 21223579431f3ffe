from django import template

from recommendations import access

register = template.Library()


@register.filter
def reads_reports(user) -> bool:
    """Whether the "Reports" page is open to ``user`` (the rule is ``reporting.views``')."""
    return access.is_ministry_staff(user)
