"""The dashboard's trends and its picture of a past day, against a hand-computed history."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from recommendations.models import Status
from recommendations.services import recommendation_transition

from .reporting_history import build_history, on

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:dashboard")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def history(ministry_user):
    return build_history(ministry_user)


def _as_of(client, day="31/03/2026"):
    return client.get(URL, {"as_of": day})


def _count(client, url) -> int:
    return client.get(url).context["page_obj"].paginator.count


def test_the_picture_of_a_past_day(staff_client, history):
    response = _as_of(staff_client)
    assert response.status_code == 200
    cards = {key: count for key, count, _url in response.context["cards"]}
    # The seed's 19 (all "reported" since 29/08/2025) and the five of the history.
    assert cards == {"total": 24, "open": 21, "overdue": 1, "resolved": 2}
    assert response.context["as_of"] == datetime.date(2026, 3, 31)
    assert "31/03/2026" in response.content.decode()


def test_monthly_trend_matches_the_hand_computed_history(staff_client, history):
    months = _as_of(staff_client).context["months"]
    rows = [(m.month.strftime("%m/%Y"), m.received, m.closed, m.backlog) for m, *_urls in months]
    assert rows == [
        ("08/2025", 19, 0, 19),
        ("09/2025", 0, 0, 19),
        ("10/2025", 0, 0, 19),
        ("11/2025", 0, 0, 19),
        ("12/2025", 0, 0, 19),
        ("01/2026", 3, 1, 21),
        ("02/2026", 1, 1, 21),
        ("03/2026", 1, 1, 21),
    ]


def test_every_trend_link_lists_what_it_counts(staff_client, history):
    response = _as_of(staff_client)
    for month, received_url, closed_url, _backlog_url in response.context["months"]:
        assert _count(staff_client, received_url) == month.received
        assert _count(staff_client, closed_url) == month.closed
    for _label, count, url in response.context["ageing_rows"]:
        # Today's state of those received in the band: none of them changed since 31/03.
        assert _count(staff_client, url) == count


def test_ageing_and_days_to_close_by_unit(staff_client, history):
    response = _as_of(staff_client)
    ageing = {label: count for label, count, _url in response.context["ageing_rows"]}
    # D (21 days), C (56 days), the seed (214 days on 31/03/2026).
    assert ageing == {"0–30": 1, "31–90": 1, "91–180": 0, ">180": 19}
    timing = {row[0]: row for row in response.context["timing_rows"]}
    assert timing["Văn phòng Bộ"][1] == 50 and timing["Văn phòng Bộ"][3] == 54


def test_a_past_picture_is_unchanged_by_later_work(staff_client, history):
    before = _as_of(staff_client).context
    cards, months = before["cards"], [m for m, *_ in before["months"]]
    cache.clear()
    with on("01/04/2026"):
        recommendation_transition(
            recommendation=history["C"], to_status=Status.RESOLVED, by=None, resolution_note="Xong."
        )
    after = _as_of(staff_client).context
    assert [c[1] for c in after["cards"]] == [c[1] for c in cards]
    assert [m for m, *_ in after["months"]] == months


def test_charts_are_svg_links_with_tables_and_no_inline_style(staff_client, history):
    page = _as_of(staff_client).content.decode()
    assert '<svg class="chart"' in page and "<polyline" in page
    assert 'class="chart__bar chart__bar--closed"' in page
    assert "style=" not in page and "<script>" not in page
    assert "<caption" in page


def test_a_bad_date_says_so_in_vietnamese_and_shows_today(staff_client):
    response = _as_of(staff_client, "32/13/2025")
    assert response.status_code == 200
    assert response.context["as_of"] is None
    assert "Nhập một ngày hợp lệ." in response.content.decode()


def test_a_future_day_is_refused(staff_client):
    response = _as_of(staff_client, "01/01/2099")
    assert response.context["as_of"] is None
    assert "Hãy chọn một ngày đã qua" in response.content.decode()


def test_the_list_filters_by_the_day_closed(staff_client, history):
    url = reverse("recommendations:list")
    query = {"closed_after": "01/02/2026", "closed_before": "28/02/2026"}
    assert _count(staff_client, f"{url}?closed_after={query['closed_after']}") == 2  # A, B
    listed = staff_client.get(url, query).context["page_obj"].object_list
    assert [r.text for r in listed] == ["A"]


def test_the_beat_warms_todays_summary(staff_client, history):
    from django.utils import timezone, translation

    from recommendations.reporting.dashboard import summary
    from recommendations.reporting.tasks import warm_dashboard

    warm_dashboard()
    with translation.override("vi"):
        key = f"dashboard-asof:{timezone.localdate().isoformat()}:vi"
        assert cache.get(key) is not None
        assert summary(timezone.localdate()).totals["received"] == 24
