"""Searches are bounded (at most 10 words and 200 characters reach the database) on the list
pages, in every admin changelist and in autocomplete; dates out of range are a filter error."""

import time

import django_filters
import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from tracker.text import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, bounded_search_term, bounded_words

pytestmark = pytest.mark.django_db

#: The attack: 1,900 one-letter words (28 s on PostgreSQL, a 500 on SQLite).
LONG = " ".join("abcdefghij"[n % 10] for n in range(1900))
CUT_VI = "Chỉ dùng 10 từ đầu tiên (tối đa 200 ký tự) của nội dung tìm kiếm."
LISTS = ["recommendations:list", "surveys:obstacle_list", "provinces:list"]
#: Longest statement a bounded search may send (10 words on a few columns); the 1,900-word
#: admin search sent statements of hundreds of kilobytes.
MAX_SQL = 20_000


def test_bounds():
    assert bounded_search_term(LONG) == ("a b c d e f g h i j", True)
    assert bounded_search_term("  Đào   tạo ") == ("dao tao", False)
    kept, cut = bounded_words("x" * 500)
    assert (len(kept), cut) == (SEARCH_MAX_CHARS, True)
    long_words = " ".join(["abcdefghijklmnopqrstuvwxy"] * 9)  # 9 words, 233 characters
    kept, cut = bounded_words(long_words)
    assert cut and len(kept) <= SEARCH_MAX_CHARS and kept.endswith("y")
    assert len(kept.split()) == 7
    assert bounded_words(None) == ("", False)
    assert SEARCH_MAX_WORDS == 10


def _timed(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, params)
        elapsed = time.perf_counter() - started
    return response, elapsed, queries


@pytest.mark.parametrize("list_name", LISTS)
def test_a_long_search_on_a_list_is_cut_and_said(staff_client, list_name):
    response, elapsed, queries = _timed(staff_client, reverse(list_name), {"q": LONG})
    assert response.status_code == 200
    assert elapsed < 5
    assert max(len(query["sql"]) for query in queries) < MAX_SQL
    page = response.content.decode()
    assert CUT_VI in page
    assert 'class="error-summary"' in page


def test_a_search_within_the_bounds_says_nothing(staff_client):
    response = staff_client.get(reverse("recommendations:list"), {"q": "đào tạo"})
    assert CUT_VI not in response.content.decode()
    assert response.context["filter"].form.is_valid()


def _admins_with_search():
    return [
        model_admin for model_admin in admin.site._registry.values() if model_admin.search_fields
    ]


@pytest.mark.parametrize(
    "model_admin", _admins_with_search(), ids=lambda a: a.model._meta.label_lower
)
def test_a_long_search_in_every_admin_changelist_is_cut_and_said(client, admin_user, model_admin):
    client.force_login(admin_user)
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response, elapsed, queries = _timed(client, url, {"q": LONG})
    assert response.status_code == 200
    assert elapsed < 5
    assert max(len(query["sql"]) for query in queries) < MAX_SQL
    assert CUT_VI in response.content.decode()
    assert response.context["cl"].query == "a b c d e f g h i j"


def test_a_long_autocomplete_term_is_cut(client, admin_user):
    client.force_login(admin_user)
    response, elapsed, queries = _timed(
        client,
        reverse("admin:autocomplete"),
        {
            "term": LONG,
            "app_label": "recommendations",
            "model_name": "recommendation",
            "field_name": "province",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert elapsed < 5
    assert max(len(query["sql"]) for query in queries) < MAX_SQL
    # The message is for a page; an autocomplete answer is JSON and leaves none behind.
    page = client.get(reverse("admin:index")).content.decode()
    assert CUT_VI not in page


# --- dates out of range ------------------------------------------------------------------------


def _date_filters():
    """Every date filter of every list page, found from the URLs (so a new one is tested)."""
    found = []
    for list_name in LISTS:
        view = resolve(reverse(list_name)).func.view_class
        for name, list_filter in view.filterset_class.base_filters.items():
            if isinstance(list_filter, django_filters.DateFilter):
                found.append((list_name, name))
    return found


def test_the_lists_have_date_filters():
    assert len(_date_filters()) >= 4


@pytest.mark.parametrize(("list_name", "name"), _date_filters())
@pytest.mark.parametrize("value", ["31/12/9999", "01/01/0001", "31/02/2025", "1/1/1"])
def test_a_date_out_of_range_is_a_filter_error(staff_client, list_name, name, value):
    response = staff_client.get(reverse(list_name), {name: value})
    assert response.status_code == 200
    form = response.context["filter"].form
    assert name in form.errors
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert f'href="#{form[name].id_for_label}"' in page


def test_the_range_message_names_the_bounds(staff_client):
    response = staff_client.get(reverse("recommendations:list"), {"due_before": "31/12/9999"})
    assert "01/01/1900" in response.content.decode()
    assert "31/12/2100" in response.content.decode()


def test_a_date_within_the_range_filters(staff_client):
    response = staff_client.get(reverse("recommendations:list"), {"due_before": "31/12/2100"})
    assert response.context["filter"].form.is_valid()


def _admins_with_date_hierarchy():
    return [a for a in admin.site._registry.values() if a.date_hierarchy]


@pytest.mark.parametrize(
    "model_admin", _admins_with_date_hierarchy(), ids=lambda a: a.model._meta.label_lower
)
@pytest.mark.parametrize(
    "query",
    [{"__year": "9999", "__month": "12", "__day": "31"}, {"__year": "1"}, {"__year": "2101"}],
)
def test_an_admin_date_hierarchy_year_out_of_range_is_an_incorrect_lookup(
    client, admin_user, model_admin, query
):
    client.force_login(admin_user)
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    params = {f"{model_admin.date_hierarchy}{suffix}": value for suffix, value in query.items()}
    response = client.get(url, params)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
    assert client.get(response["Location"]).status_code == 200


def test_an_admin_date_hierarchy_year_in_range_still_works(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:recommendations_recommendation_changelist")
    assert client.get(url, {"created_at__year": "2025"}).status_code == 200
