"""Each user's columns of the triage list (recommendations/list_columns.py): the service that
keeps them, the form's POST address attacked as a forger would, the list's headings, rows and
query count with every column set."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recommendations import list_columns
from recommendations.groups import group_create
from recommendations.list_columns import COLUMNS, DEFAULT_KEYS, columns_of
from recommendations.models import ListPreference, Recommendation
from recommendations.rows import ListRows, shortened
from recommendations.services import list_columns_reset, list_columns_save
from surveys.models import MinistryUnit
from tracker.widgets import esc

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:list")
SAVE = reverse("recommendations:list_columns")
ALL_KEYS = [column.key for column in COLUMNS]
HOSTILE = "<script>alert('x')</script>&"


def _saved(user):
    return ListPreference.objects.filter(user=user).values_list("columns", flat=True).first()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the service ------------------------------------------------------------------------------


def test_the_defaults_are_todays_columns():
    assert DEFAULT_KEYS == ("status", "due", "priority")
    assert {"province", "unit", "group", "created", "updated"} <= set(ALL_KEYS)


def test_a_choice_is_kept_in_its_order(ministry_user):
    list_columns_save(user=ministry_user, columns=["province", "status", "created"])
    assert _saved(ministry_user) == ["province", "status", "created"]
    assert [column.key for column in columns_of(ministry_user)] == ["province", "status", "created"]
    list_columns_save(user=ministry_user, columns=[])  # the text alone is a choice too
    assert columns_of(ministry_user) == ()
    assert ListPreference.objects.count() == 1


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["status", "salary"], "Không có cột “salary” để chọn."),
        (["recommendation"], "Không có cột “recommendation” để chọn."),  # always shown
        (["status", "due", "status"], "Cột “Trạng thái” được chọn hai lần."),
        ([7], "Không có cột “7” để chọn."),
    ],
)
def test_unknown_or_repeated_columns_are_refused_and_nothing_is_saved(
    ministry_user, columns, message
):
    list_columns_save(user=ministry_user, columns=["province"])
    with pytest.raises(ValidationError) as refused:
        list_columns_save(user=ministry_user, columns=columns)
    assert message in refused.value.messages
    assert _saved(ministry_user) == ["province"]


def test_a_reset_brings_back_the_defaults(ministry_user):
    list_columns_reset(user=ministry_user)  # nothing saved yet: nothing to do
    list_columns_save(user=ministry_user, columns=["group"])
    list_columns_reset(user=ministry_user)
    assert _saved(ministry_user) is None
    assert [column.key for column in columns_of(ministry_user)] == list(DEFAULT_KEYS)


def test_nobody_signed_out_has_columns_to_save():
    from django.contrib.auth.models import AnonymousUser

    for call in (
        lambda: list_columns_save(user=AnonymousUser(), columns=["status"]),
        lambda: list_columns_reset(user=AnonymousUser()),
        lambda: list_columns_save(user=None, columns=["status"]),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not ListPreference.objects.exists()


def test_keys_a_later_release_dropped_are_passed_over(ministry_user):
    # Written behind the service's back, as an old row would read after a column is removed.
    ListPreference.objects.create(user=ministry_user, columns=["salary", "due", "due"])
    assert [column.key for column in columns_of(ministry_user)] == ["due"]
    ListPreference.objects.filter(user=ministry_user).update(columns={"not": "a list"})
    assert [column.key for column in columns_of(ministry_user)] == list(DEFAULT_KEYS)


# --- the form's POST address ------------------------------------------------------------------


def test_saving_leads_back_to_the_same_filtered_sorted_list(staff_client, ministry_user):
    back = f"{URL}?province=22&ordering=-priority&page=2"
    response = staff_client.post(
        SAVE, {"columns": ["status", "province", "unit"], "action": "save", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert _saved(ministry_user) == ["status", "province", "unit"]
    assert _messages(response) == ["Đã lưu các cột bạn chọn."]


def test_restoring_the_defaults_forgets_the_choice(staff_client, ministry_user):
    list_columns_save(user=ministry_user, columns=["group"])
    response = staff_client.post(SAVE, {"columns": ["group"], "action": "reset", "next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    assert _saved(ministry_user) is None
    assert _messages(response) == ["Đã hiển thị lại các cột mặc định."]


def test_a_forged_key_is_refused_with_a_message_and_nothing_changes(staff_client, ministry_user):
    list_columns_save(user=ministry_user, columns=["unit"])
    response = staff_client.post(SAVE, {"columns": ["status", "<b>x</b>"], "next": URL})
    assert response.status_code == 302
    assert _saved(ministry_user) == ["unit"]
    assert _messages(response) == ["Không có cột “<b>x</b>” để chọn.", "Chưa có gì được lưu."]
    page = staff_client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page  # escaped when shown


def test_only_the_requesting_users_own_choice_ever_changes(
    client, ministry_user, officer_qn, plain_user
):
    list_columns_save(user=ministry_user, columns=["status"])
    client.force_login(officer_qn)
    forged = {
        "columns": ["created"],
        "user": ministry_user.pk,
        "user_id": ministry_user.pk,
        "pk": ministry_user.pk,
        "username": ministry_user.username,
        "next": URL,
    }
    client.post(SAVE, forged)
    assert _saved(officer_qn) == ["created"]
    assert _saved(ministry_user) == ["status"]
    client.post(SAVE, {**forged, "action": "reset"})
    assert _saved(officer_qn) is None and _saved(ministry_user) == ["status"]
    # Every signed-in reader of the list may choose, in any role or none.
    client.force_login(plain_user)
    client.post(SAVE, {"columns": ["province"], "next": URL})
    assert _saved(plain_user) == ["province"]


def test_signed_out_the_form_leads_to_the_login_and_saves_nothing(client):
    response = client.post(SAVE, {"columns": ["created"], "next": URL})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ListPreference.objects.exists()


def test_the_address_refuses_get_with_the_sites_405_page(staff_client, ministry_user):
    response = staff_client.get(SAVE, {"columns": ["created"]})
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert "Không thể thực hiện thao tác theo cách này" in response.content.decode()
    assert _saved(ministry_user) is None


def test_a_post_without_the_csrf_token_is_refused(ministry_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ministry_user)
    assert client.post(SAVE, {"columns": ["created"], "next": URL}).status_code == 403
    assert _saved(ministry_user) is None


@pytest.mark.parametrize(
    "forged",
    [
        "https://evil.example/recommendations/",
        "//evil.example/recommendations/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "",
    ],
)
def test_a_next_leading_elsewhere_falls_back_to_the_list(staff_client, ministry_user, forged):
    response = staff_client.post(SAVE, {"columns": ["due"], "next": forged})
    assert response["Location"] == URL
    assert _saved(ministry_user) == ["due"]  # the choice itself is kept


# --- the list page ----------------------------------------------------------------------------


def _page(client, params=None) -> str:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_todays_columns_and_the_chooser_by_default(staff_client):
    page = _page(staff_client, {"province": "22", "ordering": "due"})
    assert "Chọn cột hiển thị" in page
    assert f'action="{SAVE}"' in page
    assert f'name="next" value="{URL}?province=22&amp;ordering=due"' in page
    for key in ALL_KEYS:
        checked = " checked" if key in DEFAULT_KEYS else ""
        assert f'value="{key}" id="column-{key}"{checked}>' in page
    assert 'class="nowrap status-heading"' in page
    assert "province-heading" not in page and "province-cell" not in page


def test_the_chosen_columns_have_headings_cells_and_sort_links(staff_client, ministry_user):
    list_columns_save(user=ministry_user, columns=ALL_KEYS)
    page = _page(staff_client, {"ordering": "-created"})
    for key in ALL_KEYS:
        assert f'{key}-heading"' in page and f'class="{key}-cell" data-label="' in page
    # Sorted by what the FilterSet orders by; the unit and the group do not sort.
    assert 'aria-sort="descending"' in page and "?ordering=created" in page
    for ordering in ("province", "-updated", "-priority", "status", "due"):
        assert f"ordering={ordering}&" in page or f'ordering={ordering}"' in page, ordering
    assert '<th scope="col" class="unit-heading">Đơn vị chủ trì</th>' in page
    assert '<th scope="col" class="group-heading">Nhóm</th>' in page
    # Province and unit have their own columns: the quiet line under the text is gone.
    assert "row-meta" not in page
    rows = staff_client.get(URL, {"ordering": "-created"}).context["object_list"]
    created = timezone.localdate(rows[0].created_at).strftime("%d/%m/%Y")
    assert '<td class="created-cell" data-label="Ngày tạo"><time datetime=' in page
    assert created in page


def test_the_columns_follow_the_user_not_the_list(client, ministry_user, officer_qn):
    list_columns_save(user=ministry_user, columns=["created"])
    client.force_login(officer_qn)
    assert "created-cell" not in _page(client)
    client.force_login(ministry_user)
    page = _page(client)
    assert "created-cell" in page and "status-cell" not in page


def test_the_htmx_results_carry_the_chooser_with_their_own_list(staff_client, ministry_user):
    list_columns_save(user=ministry_user, columns=["province"])
    response = staff_client.get(URL, {"status": "reported"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert f'name="next" value="{URL}?status=reported"' in page
    assert 'class="province-cell"' in page


@pytest.mark.parametrize(
    "columns",
    [None, list(DEFAULT_KEYS), [], ALL_KEYS, ["updated", "group"], ["created", "province"]],
)
def test_the_query_count_does_not_depend_on_the_columns(
    staff_client, ministry_user, django_assert_num_queries, columns
):
    """Session, user, roles, the user's columns (one query by primary key, also for a user who
    chose nothing), count, the rows (the chosen columns' fields in the same query), the five
    filters' choices: 11, at any page size and with any columns."""
    if columns is not None:
        list_columns_save(user=ministry_user, columns=columns)
    staff_client.get(URL)
    for size in (5, 100):
        with django_assert_num_queries(11):
            staff_client.get(URL, {"page_size": size})


def test_the_preference_costs_one_query_by_primary_key(staff_client, ministry_user):
    staff_client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        staff_client.get(URL)
    asked = [q["sql"] for q in captured.captured_queries if "listpreference" in q["sql"].lower()]
    assert len(asked) == 1
    assert '"recommendations_listpreference"."user_id" = ' in asked[0]
    assert "LIMIT 1" in asked[0]


def test_with_the_shared_cache_the_choice_costs_no_query_and_a_change_shows_at_once(
    settings, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    settings.USER_CACHE_SECONDS = 600
    cache.clear()

    def asked() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(URL)
        sql = [q["sql"] for q in captured.captured_queries]
        return response, sum("listpreference" in q.lower() for q in sql)

    assert asked()[1] == 1
    response, queries = asked()
    assert queries == 0 and [c.key for c in response.context["list_columns"]] == [*DEFAULT_KEYS]
    with django_capture_on_commit_callbacks(execute=True):
        list_columns_save(user=ministry_user, columns=["province", "status"])
    response, _queries = asked()
    assert [c.key for c in response.context["list_columns"]] == ["province", "status"]
    with django_capture_on_commit_callbacks(execute=True):
        list_columns_reset(user=ministry_user)
    response, _queries = asked()
    assert [c.key for c in response.context["list_columns"]] == [*DEFAULT_KEYS]
    cache.clear()


# --- the rows ---------------------------------------------------------------------------------


class _RowsBeforeColumns(ListRows):
    """``ListRows.row`` as it was before the columns could be chosen (commit 1175d1f), kept to
    prove the default columns write the same bytes (the benchmarks compare like with like)."""

    def row(self, recommendation, position: int) -> str:
        labels = {
            "status": esc("Trạng thái"),
            "due": esc("Hạn xử lý"),
            "priority": esc("Mức ưu tiên"),
            **self.labels,
        }
        status, priority = recommendation.status, recommendation.priority
        unit = recommendation.responsible_unit
        select = self.select_cell(recommendation) if self.selectable else ""
        return (
            f'<tr class="list-row">{select}<td class="text-cell"><a class="row-link" '
            f'href="{self.detail_url}{recommendation.pk}/?back={self.back}&amp;pos={position}">'
            f"{esc(shortened(recommendation.text, 140))}</a>"
            f'<span class="row-meta">{esc(recommendation.province.name)} · '
            f"{esc(unit.name if unit else labels['no_unit'])}{self.group(recommendation)}</span>"
            f'</td><td class="status-cell" data-label="{labels["status"]}">'
            f"{self.badges.get(status) or esc(status)}"
            f'</td><td class="due-cell" data-label="{labels["due"]}">'
            f"{self.due(recommendation)}</td>"
            f'<td class="priority-cell" data-label="{labels["priority"]}">'
            f"{self.markers.get(priority) or esc(priority)}</td></tr>"
        )

    def group(self, recommendation) -> str:
        if not recommendation.group_id:
            return ""
        title = shortened(recommendation.group.title, 40)
        return (
            f' · <a href="{esc(recommendation.group.get_absolute_url())}">'
            f"{esc(self.labels['group'])}: {esc(title)}</a>"
        )


def _varied_rows(ministry_user):
    """Every kind of row: with and without unit, group, due date; overdue; a long text."""
    recommendations = list(Recommendation.objects.order_by("pk"))
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    group_create(by=ministry_user, title="Đào tạo " * 10, members=recommendations[:4])
    today = timezone.localdate()
    for index, recommendation in enumerate(recommendations[2:10]):
        recommendation.responsible_unit = unit if index % 2 else None
        recommendation.due_date = today + datetime.timedelta(days=index * 7 - 20)
        recommendation.priority = (10, 20, 30, 40)[index % 4]
    Recommendation.objects.bulk_update(
        recommendations[2:10], ["responsible_unit", "due_date", "priority"]
    )
    recommendations[5].text = "chữ " * 100
    Recommendation.objects.bulk_update([recommendations[5]], ["text"])
    return list(Recommendation.objects.for_list_page("created_at", "updated_at").order_by("pk"))


@pytest.mark.parametrize("selectable", [True, False])
def test_the_default_columns_write_the_rows_byte_for_byte_as_before(ministry_user, selectable):
    rows = _varied_rows(ministry_user)
    options = {
        "list_query": "q=đào tạo&province=22",
        "first_position": 25,
        "selectable": selectable,
        "selected_ids": {rows[1].pk},
    }
    before = str(_RowsBeforeColumns(**options).render(rows))
    assert before.count('<tr class="list-row">') == len(rows) and "quá hạn" in before
    assert "Nhóm: Đào tạo" in before and "chưa giao đơn vị" in before
    assert str(ListRows(**options).render(rows)) == before
    defaults = list_columns.chosen(DEFAULT_KEYS)
    assert str(ListRows(**options, columns=defaults).render(rows)) == before


@pytest.mark.parametrize(
    "keys",
    [[], list(DEFAULT_KEYS), ALL_KEYS, ["province"], ["unit", "group"], ["group", "created"]],
)
def test_what_people_typed_stays_escaped_in_every_column(ministry_user, keys):
    rows = _varied_rows(ministry_user)
    for recommendation in rows:
        recommendation.text = HOSTILE
        recommendation.province.name = HOSTILE
        if recommendation.responsible_unit:
            recommendation.responsible_unit.name = HOSTILE
        if recommendation.group_id:
            recommendation.group.title = HOSTILE
    columns = list_columns.chosen(keys)
    html = str(
        ListRows(
            list_query="q=<script>",
            first_position=0,
            selectable=True,
            selected_ids=set(),
            columns=columns,
        ).render(rows)
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" in html
    # One cell per chosen column on every row, in the chosen order.
    cells = [f'<td class="{key}-cell"' for key in keys]
    for row in html.split('<tr class="list-row">')[1:]:
        assert [cell for cell in cells if cell in row] == cells
        positions = [row.index(cell) for cell in cells]
        assert positions == sorted(positions)


def test_the_line_under_the_text_names_only_what_has_no_column(ministry_user):
    rows = _varied_rows(ministry_user)
    grouped = next(r for r in rows if r.group_id and r.responsible_unit is None)

    def meta(keys):
        html = ListRows(
            list_query="",
            first_position=0,
            selectable=False,
            selected_ids=set(),
            columns=list_columns.chosen(keys),
        ).row(grouped, 0)
        start = html.find('<span class="row-meta">')
        return None if start < 0 else html[start : html.index("</span>", start)]

    province, link = grouped.province.name, "Nhóm: Đào tạo"
    assert meta([]).startswith(f'<span class="row-meta">{province} · chưa giao đơn vị · <a ')
    assert meta(["province"]).startswith('<span class="row-meta">chưa giao đơn vị · <a ')
    assert meta(["unit"]).startswith(f'<span class="row-meta">{province} · <a ')
    assert meta(["province", "unit"]).startswith('<span class="row-meta"><a href=')
    assert link in meta(["province", "unit"])
    assert meta(["group"]) == f'<span class="row-meta">{province} · chưa giao đơn vị'
    assert meta(["province", "unit", "group"]) is None
    # Empty cells say so quietly.
    html = ListRows(
        list_query="",
        first_position=0,
        selectable=False,
        selected_ids=set(),
        columns=list_columns.chosen(["unit", "group"]),
    ).render([r for r in rows if r.responsible_unit is None and not r.group_id][:1])
    assert '<td class="unit-cell" data-label="Đơn vị chủ trì"><span class="muted">' in html
    assert '<td class="group-cell" data-label="Nhóm"><span class="muted">—</span>' in html
