"""The list's rows written in Python (recommendations/rows.py): the markup the browser tests and
the scripts rely on, and every value escaped as a template would."""

import datetime

import pytest
from django.utils import timezone

from recommendations.models import Recommendation, Status
from recommendations.rows import ListRows, due_cell

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)">&'


def _rows(recommendations, **kwargs):
    options = {"list_query": "q=đào tạo&page=2", "first_position": 25, "selectable": True}
    return str(
        ListRows(**{**options, "selected_ids": kwargs.pop("selected", set())}).render(
            recommendations
        )
    )


def test_a_row_escapes_what_people_typed_and_keeps_its_markup():
    recommendation = Recommendation.objects.select_related("province", "responsible_unit").first()
    recommendation.text = HOSTILE
    recommendation.province.name = HOSTILE
    recommendation.bulk_targets = "assigned resolved"
    html = _rows([recommendation], selected={recommendation.pk})
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in html
    assert html.startswith('<tr class="list-row"><td class="select-cell">')
    assert f'name="ids" value="{recommendation.pk}" form="bulk-form" data-select-row' in html
    assert 'data-targets="assigned resolved" checked>' in html
    assert f"Chọn kiến nghị số {recommendation.pk}" in html
    # The link leads back to the list's query (percent-encoded) and the row's place in it.
    assert (
        f'href="/recommendations/{recommendation.pk}/?back=q%3D%C4%91%C3%A0o%20t%E1%BA%A1o%26page%3D2&amp;pos=25"'
        in html
    )
    label = Status(recommendation.status).label
    assert f'<span class="badge badge--{recommendation.status}">{label}</span>' in html


def test_each_row_keeps_its_place_and_a_long_text_is_cut():
    rows = list(Recommendation.objects.select_related("province", "responsible_unit")[:3])
    rows[1].text = "chữ " * 100
    html = _rows(rows)
    assert [f"pos={25 + n}" in html for n in range(3)] == [True, True, True]
    assert html.count('<tr class="list-row">') == 3
    assert "chữ chữ" in html and "…" in html and "chữ " * 60 not in html


def test_the_due_cell_says_what_the_date_means():
    recommendation = Recommendation.objects.filter(status=Status.REPORTED).first()
    today = timezone.localdate()
    recommendation.due_date = today - datetime.timedelta(days=10)
    overdue = str(due_cell(recommendation, today))
    assert 'class="due due--overdue"' in overdue and "quá hạn" in overdue
    assert f'<time datetime="{recommendation.due_date.isoformat()}">' in overdue
    assert recommendation.due_date.strftime("%d/%m/%Y") in overdue
    recommendation.due_date = None
    assert str(due_cell(recommendation, today)) == '<span class="muted">—</span>'
