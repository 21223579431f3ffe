"""``{% load deadline_tags %}{% due_cell recommendation %}``: a due date and what it means
today ("còn 3 ngày làm việc", "quá hạn 5 ngày làm việc", "tạm dừng")."""

from django import template

from recommendations import rows

register = template.Library()


@register.simple_tag
def due_cell(recommendation):
    """``{% due_cell recommendation %}``: the due date and what it means, as every page shows
    it (``recommendations.rows.due_cell``)."""
    return rows.due_cell(recommendation)
