"""The obstacles and delegations pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces.models import Province
from surveys.models import Delegation, Finding, Survey, Theme

pytestmark = pytest.mark.django_db

OBSTACLES = reverse("surveys:obstacle_list")
DELEGATIONS = reverse("surveys:delegation_list")


def _all(client, **params):
    response = client.get(OBSTACLES, {"page_size": 100, **params}, follow=True)
    assert response.status_code == 200
    return list(response.context["object_list"])


def test_obstacle_list_shows_the_38_obstacles(staff_client):
    response = staff_client.get(OBSTACLES)
    assert response.context["paginator"].count == 38
    assert len(_all(staff_client)) == 38
    assert all(f.kind == Finding.Kind.OBSTACLE for f in _all(staff_client))


def test_obstacles_filter_by_province_and_nationwide(staff_client):
    assert len(_all(staff_client, province="22")) == 10
    assert len(_all(staff_client, province=["22", "38"])) == 17
    nationwide = _all(staff_client, province="null")
    assert len(nationwide) == 10
    assert all(f.province_id is None for f in nationwide)
    assert len(_all(staff_client, province=["null", "66"])) == 16


def test_obstacles_filter_by_theme_field_and_delegation(staff_client):
    assert len(_all(staff_client, theme=Theme.HUMAN_RESOURCES)) == 13
    delegation = Delegation.objects.get(number=3)  # Thanh Hóa
    assert {f.province.name for f in _all(staff_client, delegation=delegation.pk)} == {"Thanh Hóa"}
    by_field = _all(staff_client, field="digital-transformation")
    assert by_field
    assert all(f.fields.filter(code="digital-transformation").exists() for f in by_field)


def test_obstacles_search_ignores_diacritics(staff_client):
    rows = _all(staff_client, q="CONG NGHE THONG TIN")
    assert rows
    assert all(
        "công nghệ thông tin" in f.description.lower() or "cong nghe thong tin" in f.search_text
        for f in rows
    )
    assert {f.province.name for f in _all(staff_client, q="dak lak")} == {"Đắk Lắk"}


def test_obstacles_ordering(staff_client):
    names = [f.province.search_name if f.province else "~" for f in _all(staff_client)]
    assert names == sorted(names)  # nationwide ones last
    themes = [f.theme for f in _all(staff_client, ordering="theme")]
    assert themes == sorted(themes)
    descending = [
        f.province.search_name if f.province else ""
        for f in _all(staff_client, ordering="-province")
    ]
    assert descending == sorted(descending, reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        {"province": "abc"},
        {"theme": "x"},
        {"delegation": "x"},
        {"ordering": "secret"},
        {"page": "999999"},
        {"page_size": "1000000"},
    ],
)
def test_obstacles_bad_input_gives_the_page(staff_client, params):
    response = staff_client.get(OBSTACLES, params)
    assert response.status_code == 200
    assert response.context["paginator"].count == 38


def test_obstacle_detail(staff_client):
    obstacle = Finding.objects.obstacles().filter(province__code="22").first()
    response = staff_client.get(obstacle.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert obstacle.description[:60] in page
    assert "Đoàn số 2" in page
    for recommendation in obstacle.recommendations.all():
        assert recommendation.get_absolute_url() in page


def test_an_achievement_has_no_obstacle_page(staff_client):
    achievement = Finding.objects.achievements().filter(province__isnull=False).first()
    response = staff_client.get(reverse("surveys:obstacle_detail", args=[achievement.pk]))
    assert response.status_code == 404
    assert achievement.get_absolute_url().endswith("#achievements")


def test_delegation_list_shows_the_12_delegations(staff_client):
    response = staff_client.get(DELEGATIONS)
    assert response.status_code == 200
    delegations = list(response.context["object_list"])
    assert [d.number for d in delegations] == list(range(1, 13))
    page = response.content.decode()
    for head in ("Bùi Hoàng Phương", "Cao Huy Long", "Nguyễn Thành Chung"):
        assert head in page
    second = delegations[1]
    assert (second.visit_count, second.obstacle_count, second.recommendation_count) == (1, 10, 6)
    # The five visits whose delegation the reports do not name are listed apart.
    assert len(response.context["unattributed_visits"]) == 5


def test_delegation_detail_shows_what_each_visit_found(staff_client):
    delegation = Delegation.objects.get(number=3)
    response = staff_client.get(delegation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Thành Chung" in page
    assert "Thanh Hóa" in page
    assert "99,99%" in page  # an achievement's figure
    for obstacle in Finding.objects.obstacles().filter(visit__delegation=delegation):
        assert obstacle.get_absolute_url() in page
    assert staff_client.get(reverse("surveys:delegation_detail", args=[9999])).status_code == 404


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _more_delegations(count):
    survey = Survey.objects.get()
    Delegation.objects.bulk_create(
        Delegation(survey=survey, number=100 + n, head_name=f"Trưởng đoàn {n}")
        for n in range(count)
    )


def _more_obstacles(count):
    survey = Survey.objects.get()
    provinces = list(Province.objects.all()[:4])
    Finding.objects.bulk_create(
        Finding(
            survey=survey,
            province=provinces[n % 4],
            theme=Theme.BUDGET,
            description=f"Vướng mắc bổ sung {n}",
        )
        for n in range(count)
    )


def test_obstacle_list_query_count(staff_client, django_assert_num_queries):
    staff_client.get(OBSTACLES)
    # session, user, count, the page's rows, and the choices of the province, field,
    # delegation filters
    with django_assert_num_queries(7):
        staff_client.get(OBSTACLES, {"page_size": 5})
    _more_obstacles(150)
    with django_assert_num_queries(7):
        staff_client.get(OBSTACLES, {"page_size": 100})
    filtered = {"q": "nhan luc", "province": ["22", "null"], "theme": "budget"}
    baseline = _queries(staff_client, OBSTACLES, {**filtered, "page_size": 5})
    with django_assert_num_queries(baseline):
        staff_client.get(OBSTACLES, {**filtered, "page_size": 100})


def test_delegation_list_query_count(staff_client, django_assert_num_queries):
    staff_client.get(DELEGATIONS)
    # session, user, count, the page's rows with their counts, their visits, the
    # unattributed visits
    with django_assert_num_queries(6):
        staff_client.get(DELEGATIONS, {"page_size": 5})
    _more_delegations(150)
    with django_assert_num_queries(6):
        staff_client.get(DELEGATIONS, {"page_size": 100})


def test_delegation_list_bad_paging_gives_the_page(staff_client):
    for params in ({"page": "999999"}, {"page_size": "1000000"}, {"page": "x"}):
        assert staff_client.get(DELEGATIONS, params).status_code == 200


def test_detail_pages_query_counts(staff_client, django_assert_num_queries):
    delegation = Delegation.objects.get(number=2)
    staff_client.get(delegation.get_absolute_url())
    # session, user, delegation, visits, their findings, their recommendations
    with django_assert_num_queries(6):
        staff_client.get(delegation.get_absolute_url())
    obstacle = Finding.objects.obstacles().filter(province__code="22").first()
    # session, user, obstacle, fields, recommendations
    with django_assert_num_queries(5):
        staff_client.get(obstacle.get_absolute_url())
