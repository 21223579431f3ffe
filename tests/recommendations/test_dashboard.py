"""The dashboard's numbers, against the seed: 19 recommendations, all "reported", in 6 provinces."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Recommendation, Status
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:dashboard")

SEED_BY_PROVINCE = {
    "Quảng Ninh": 6,
    "Hải Phòng": 4,
    "Gia Lai": 3,
    "Đắk Lắk": 2,
    "Thanh Hóa": 2,
    "Bắc Ninh": 2,
}


def _bars(response, name):
    return {bar.label: bar.count for bar in response.context[name]}


def test_totals_against_the_seed(staff_client):
    response = staff_client.get(URL)
    assert response.status_code == 200
    cards = {key: count for key, count, _url in response.context["cards"]}
    assert cards == {"total": 19, "open": 19, "overdue": 0, "resolved": 0}


def test_counts_by_status_list_every_status(staff_client):
    by_status = _bars(staff_client.get(URL), "by_status")
    assert len(by_status) == len(Status)
    assert by_status["đã báo cáo Lãnh đạo Bộ"] == 19
    assert sum(by_status.values()) == 19


def test_counts_by_province_list_all_34(staff_client):
    response = staff_client.get(URL)
    by_province = _bars(response, "by_province")
    assert len(by_province) == 34
    assert {name: n for name, n in by_province.items() if n} == SEED_BY_PROVINCE
    # Alphabetical as Vietnamese readers expect: Đắk Lắk among the D's.
    labels = [bar.label for bar in response.context["by_province"]]
    assert labels.index("Đắk Lắk") < labels.index("Gia Lai")


def test_counts_by_theme_field_and_unit(staff_client):
    response = staff_client.get(URL)
    assert _bars(response, "by_theme") == {
        "nhân lực": 5,
        "hạ tầng kỹ thuật": 1,
        "thể chế, hướng dẫn": 5,
        "dữ liệu, phần mềm": 2,
        "ngân sách": 1,
        "tổ chức bộ máy, biên chế": 5,
    }
    by_field = _bars(response, "by_field")
    assert len(by_field) == 9
    assert by_field["Chuyển đổi số"] == 7
    assert _bars(response, "by_unit") == {"chưa giao": 19}


def test_counts_follow_the_data(staff_client):
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Recommendation.objects.filter(key="2025-quang-ninh-kn-01").update(
        status=Status.RESOLVED, resolution_note="Đã trả lời."
    )
    Recommendation.objects.filter(key="2025-quang-ninh-kn-02").update(
        status=Status.ASSIGNED, responsible_unit=unit, due_date=yesterday
    )
    response = staff_client.get(URL)
    cards = {key: count for key, count, _url in response.context["cards"]}
    assert cards == {"total": 19, "open": 18, "overdue": 1, "resolved": 1}
    assert _bars(response, "by_unit") == {"Cục Viễn thông": 1, "chưa giao": 18}


def test_every_number_links_to_the_list_filtered_to_exactly_it(staff_client):
    Recommendation.objects.filter(key="2025-quang-ninh-kn-01").update(
        status=Status.RESOLVED, resolution_note="Đã trả lời."
    )
    Recommendation.objects.filter(key="2025-gia-lai-kn-01").update(
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    response = staff_client.get(URL)
    links = [(count, url) for _key, count, url in response.context["cards"]]
    for name in ("by_status", "by_province", "by_field", "by_unit", "by_theme"):
        links += [(bar.count, bar.url) for bar in response.context[name]]
    page = response.content.decode()
    for count, url in links:
        assert f'href="{url.replace("&", "&amp;")}"' in page
        listed = staff_client.get(url)
        assert listed.status_code == 200
        assert not listed.context["filter"].form.errors, url
        assert listed.context["paginator"].count == count, url


def test_oldest_open_items(staff_client):
    oldest = Recommendation.objects.get(key="2025-bac-ninh-kn-02")
    Recommendation.objects.filter(pk=oldest.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2025, 1, 1))
    )
    response = staff_client.get(URL)
    shown = list(response.context["oldest_open"])
    assert len(shown) == 5
    assert shown[0] == oldest
    assert oldest.get_absolute_url() in response.content.decode()


def test_charts_are_svg_bars_without_style_attributes(staff_client):
    page = staff_client.get(URL).content.decode()
    assert '<rect class="bar__fill" x="0" y="0" height="10" width="100">' in page
    assert "style=" not in page


def test_dashboard_query_count_is_fixed(staff_client, django_assert_num_queries):
    staff_client.get(URL)
    # session, user, the user's roles (an officer's links say "every province"), totals,
    # statuses, provinces (2), fields (2), units, themes, oldest open
    with django_assert_num_queries(12):
        staff_client.get(URL)


def test_an_officers_numbers_link_to_every_province(client, officer_qn):
    # An officer's list keeps to their province by default; the overview counts every
    # province, so its links say so and lead to the same number.
    client.force_login(officer_qn)
    response = client.get(URL)
    total_url = response.context["cards"][0][2]
    assert total_url == "/recommendations/?scope=all"
    assert "/recommendations/?province=22" in response.content.decode()  # a province's own bar
    listed = client.get(response.context["cards"][1][2])  # open
    assert listed.context["paginator"].count == response.context["cards"][1][1]
