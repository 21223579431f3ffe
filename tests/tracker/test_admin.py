"""The admin, as ministry staff and admins use it: every model reachable, searches that ignore
diacritics, Vietnamese labels, and changelists whose query count does not grow with the page."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label != "auth"]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_working_changelist_and_change_page(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert client.get(_url(model, "change", obj.pk)).status_code == 200
    model_admin = admin.site._registry[model]
    request = type("R", (), {"user": admin_user})()
    if model_admin.has_add_permission(request):
        assert client.get(_url(model, "add")).status_code == 200


def test_admin_speaks_vietnamese(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Kiến nghị" in page
    assert "Tỉnh, thành phố" in page
    assert "Đợt khảo sát" in page
    changelist = client.get(_url(Recommendation, "changelist")).content.decode()
    assert "đơn vị chủ trì" in changelist.lower()
    assert "đã báo cáo Lãnh đạo Bộ" in changelist


@pytest.mark.parametrize(
    ("model_path", "term", "expected"),
    [
        ("provinces.Province", "thanh hoa", {"Thanh Hóa"}),
        ("provinces.Province", "DAK LAK", {"Đắk Lắk"}),
        ("provinces.Province", "hai duong", {"Hải Phòng"}),  # a former province's name
        ("surveys.MinistryUnit", "vien thong", {"Cục Viễn thông"}),
        ("surveys.Field", "so huu tri tue", {"Sở hữu trí tuệ"}),
    ],
)
def test_admin_search_ignores_diacritics_and_case(client, admin_user, model_path, term, expected):
    from django.apps import apps

    model = apps.get_model(model_path)
    client.force_login(admin_user)
    response = client.get(_url(model, "changelist"), {"q": term})
    assert {str(obj) for obj in response.context["cl"].result_list} == expected


def test_recommendation_search_finds_dao_tao_without_marks(client, admin_user):
    client.force_login(admin_user)
    response = client.get(_url(Recommendation, "changelist"), {"q": "dao tao"})
    results = response.context["cl"].result_list
    assert len(results) == 4
    assert all("đào tạo" in r.text for r in results)


def test_recommendation_search_covers_province_and_unit(client, admin_user):
    client.force_login(admin_user)
    response = client.get(_url(Recommendation, "changelist"), {"q": "hai phong"})
    assert {r.province.name for r in response.context["cl"].result_list} == {"Hải Phòng"}


def test_autocomplete_ignores_diacritics(client, admin_user):
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "quang ninh",
            "app_label": "recommendations",
            "model_name": "recommendation",
            "field_name": "province",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Quảng Ninh"]


@pytest.mark.parametrize(
    "model_path",
    [
        "recommendations.Recommendation",
        "recommendations.StatusChange",
        "surveys.Finding",
        "surveys.Visit",
        "surveys.Delegation",
        "provinces.Province",
    ],
)
def test_changelist_query_count_does_not_grow_with_the_page(
    client, admin_user, monkeypatch, model_path
):
    from django.apps import apps

    model = apps.get_model(model_path)
    model_admin = admin.site._registry[model]
    client.force_login(admin_user)
    url = _url(model, "changelist")
    client.get(url)  # warm caches (content types, session)

    counts = []
    for per_page in (2, 50):
        monkeypatch.setattr(model_admin, "list_per_page", per_page)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == min(per_page, model.objects.count())
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
