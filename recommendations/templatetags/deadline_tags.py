"""``{% load deadline_tags %}{{ recommendation|due_meaning }}``: what a due date means today
("còn 3 ngày làm việc", "quá hạn 5 ngày làm việc", "tạm dừng")."""

from django import template

from recommendations import deadlines

register = template.Library()


@register.filter
def due_meaning(recommendation) -> str:
    return deadlines.due_meaning(recommendation)
