"""The provinces page and each province's scorecard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from provinces.models import Province
from recommendations.models import Recommendation, Status
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

URL = reverse("provinces:list")


def test_all_34_provinces_with_their_counts(staff_client):
    response = staff_client.get(URL)
    assert response.status_code == 200
    provinces = {p.name: p for p in response.context["object_list"]}
    assert len(provinces) == 34
    qn = provinces["Quảng Ninh"]
    assert (qn.obstacle_count, qn.recommendation_count, qn.open_count, qn.overdue_count) == (
        10,
        6,
        6,
        0,
    )
    assert provinces["Thanh Hóa"].obstacle_count == 7
    assert provinces["Hà Nội"].recommendation_count == 0
    assert sum(p.obstacle_count for p in provinces.values()) == 28  # + 10 nationwide = 38
    assert sum(p.open_count for p in provinces.values()) == 19


def test_counts_follow_open_and_overdue(staff_client):
    Recommendation.objects.filter(key="2025-quang-ninh-kn-01").update(
        status=Status.RESOLVED, resolution_note="Xong."
    )
    Recommendation.objects.filter(key="2025-quang-ninh-kn-02").update(
        status=Status.ASSIGNED,
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    provinces = {p.name: p for p in staff_client.get(URL).context["object_list"]}
    qn = provinces["Quảng Ninh"]
    assert (qn.recommendation_count, qn.open_count, qn.overdue_count) == (6, 5, 1)


def test_provinces_search_by_current_or_former_name(staff_client):
    response = staff_client.get(URL, {"q": "hai duong"})
    assert [p.name for p in response.context["object_list"]] == ["Hải Phòng"]
    response = staff_client.get(URL, {"q": "THANH HOA"})
    assert [p.name for p in response.context["object_list"]] == ["Thanh Hóa"]


def test_nationwide_findings_are_on_the_provinces_page(staff_client):
    response = staff_client.get(URL)
    assert len(response.context["nationwide_findings"]) == 21  # 10 obstacles, 11 achievements
    assert "trên 97%" in response.content.decode()


def test_province_scorecard(staff_client):
    province = Province.objects.get(code="38")  # Thanh Hóa
    response = staff_client.get(province.get_absolute_url())
    assert response.status_code == 200
    context = response.context
    assert len(context["obstacles"]) == 7
    assert len(context["achievements"]) == 3
    assert (
        dict((label, count) for label, count in ((b.label, b.count) for b in context["by_status"]))[
            "đã báo cáo Lãnh đạo Bộ"
        ]
        == 2
    )
    page = response.content.decode()
    assert "99,99%" in page and "98,83%" in page  # on-time rates, as a reader writes them
    assert "Đoàn số 3 – Nguyễn Thành Chung" in page
    for recommendation in Recommendation.objects.filter(province=province):
        assert recommendation.get_absolute_url() in page


def test_province_without_anything_still_has_a_scorecard(staff_client):
    province = Province.objects.get(code="01")  # Hà Nội: a visit, no itemised recommendation
    response = staff_client.get(province.get_absolute_url())
    assert response.status_code == 200
    assert response.context["summary"]["total"] == 0


def test_unknown_province_is_a_404(staff_client):
    assert staff_client.get(reverse("provinces:detail", args=["atlantis"])).status_code == 404


def test_provinces_bad_paging_gives_the_page(staff_client):
    for params in ({"page": "999999"}, {"page_size": "1000000"}, {"page": "abc"}):
        response = staff_client.get(URL, params)
        assert response.status_code == 200


def test_provinces_list_query_count(staff_client, django_assert_num_queries):
    staff_client.get(URL)
    # session, user, count, the page's provinces with their counts (one query: a first page
    # needs no deferred join), nationwide findings
    for size in (5, 100):
        with django_assert_num_queries(5):
            staff_client.get(URL, {"page_size": size})
    with CaptureQueriesContext(connection) as searched:
        staff_client.get(URL, {"q": "ha", "page_size": 5})
    with django_assert_num_queries(len(searched)):
        staff_client.get(URL, {"q": "ha", "page_size": 100})


def test_scorecard_query_count_is_fixed(staff_client, django_assert_num_queries):
    province = Province.objects.get(code="22")
    staff_client.get(province.get_absolute_url())
    # session, user, province, former names, visits, findings, their fields,
    # summary, statuses, recommendations
    with django_assert_num_queries(10):
        staff_client.get(province.get_absolute_url())
