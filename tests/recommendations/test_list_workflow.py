"""The triage list for each role: officers start on their own province, staff can keep to
their unit's recommendations, and ministry staff change a selection in one go (bulk actions),
each recommendation through the services with its own history."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from recommendations.models import DigestLine, Recommendation, Status
from surveys.models import MinistryUnit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:list")
BULK = reverse("recommendations:bulk")
QN = [f"2025-quang-ninh-kn-0{n}" for n in range(1, 7)]
BN = ["2025-bac-ninh-kn-01", "2025-bac-ninh-kn-02"]


def _keys(response) -> set[str]:
    return {r.key for r in response.context["object_list"]}


def _pks(keys) -> list[int]:
    return list(Recommendation.objects.filter(key__in=keys).values_list("pk", flat=True))


def _snapshot(keys) -> dict:
    """What a refused request must leave alone, per recommendation."""
    return {
        r.key: (r.status, r.version, r.history.count(), r.responsible_unit_id, r.due_date)
        for r in Recommendation.objects.filter(key__in=keys)
    }


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- officers start on their own province -----------------------------------------------------


def test_officer_sees_their_province_by_default(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(URL, {"page_size": 100})
    assert _keys(response) == set(QN)
    chip = response.context["chips"][0]
    assert (chip.label, chip.value, chip.is_default) == ("Tỉnh của tôi", "Quảng Ninh", True)
    page = response.content.decode()
    assert "Tỉnh của tôi:</span> Quảng Ninh" in page
    # Removing the chip shows every province, and says so in the URL.
    assert 'href="?page_size=100&amp;scope=all"' in page
    # "Clear all filters" would lead back here: not offered for the default alone.
    assert "Bỏ tất cả bộ lọc" not in page


def test_officer_can_see_every_province_and_the_choice_sticks(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(URL, {"scope": "all", "page_size": 100})
    assert response.context["paginator"].count == 19
    chip = response.context["chips"][0]
    assert (chip.label, chip.value) == ("Tỉnh, thành phố", "tất cả")
    assert "scope" not in chip.query  # removing it goes back to their province
    page = response.content.decode()
    # The filter form carries the choice, so applying other filters keeps every province.
    assert '<input type="hidden" name="scope" value="all"' in page
    response = client.get(URL, {"scope": "all", "theme": "legal"})
    assert response.context["paginator"].count == 5


def test_officer_who_chooses_a_province_gets_it(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(URL, {"province": "24"})
    assert _keys(response) == set(BN)
    assert [chip.label for chip in response.context["chips"]] == ["Tỉnh, thành phố"]


def test_officer_default_combines_with_other_filters(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(URL, {"q": "dao tao", "page_size": 100})
    assert {r.province.code for r in response.context["object_list"]} <= {"22"}
    assert "Tỉnh của tôi" in [chip.label for chip in response.context["chips"]]


def test_officer_default_applies_to_the_htmx_results_and_the_export(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(URL, headers={"HX-Request": "true"})
    assert "Tỉnh của tôi" in response.content.decode()
    export = client.get(reverse("recommendations:export_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {"Quảng Ninh"}
    export = client.get(reverse("recommendations:export_csv"), {"scope": "all"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 19


def test_officer_with_an_empty_result_is_offered_every_province(client, officer_qn):
    client.force_login(officer_qn)
    page = client.get(URL, {"q": "khong ton tai"}).content.decode()
    assert 'href="/recommendations/?scope=all"' in page


@pytest.mark.parametrize("who", ["ministry_user", "plain_user"])
def test_others_see_every_province_and_no_scope(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL, {"scope": "all"})
    assert response.context["paginator"].count == 19
    assert response.context["chips"] == []
    assert 'name="scope"' not in response.content.decode()


# --- staff: assigned to my unit ---------------------------------------------------------------


def test_staff_filter_assigned_to_my_unit(client, ministry_user):
    mine = MinistryUnit.objects.get(name="Vụ Pháp chế")  # ministry_user is a member
    other = MinistryUnit.objects.get(name="Cục Viễn thông")
    Recommendation.objects.filter(key__in=QN[:2]).update(responsible_unit=mine)
    Recommendation.objects.filter(key__in=BN).update(responsible_unit=other)
    client.force_login(ministry_user)
    response = client.get(URL, {"mine": "unit"})
    assert _keys(response) == set(QN[:2])
    assert [(c.label, c.value) for c in response.context["chips"]] == [
        ("Giao cho", "đơn vị của tôi")
    ]
    # A member of two units sees both units' recommendations, each once.
    other.members.add(ministry_user)
    assert _keys(client.get(URL, {"mine": "unit"})) == set(QN[:2] + BN)


def test_staff_in_no_unit_get_an_empty_list_not_an_error(client):
    client.force_login(make_user("khongdonvi", "Cán bộ Bộ"))
    response = client.get(URL, {"mine": "unit"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0


def test_officers_have_no_unit_filter(client, officer_qn):
    client.force_login(officer_qn)
    response = client.get(URL, {"mine": "unit", "scope": "all"})
    assert "mine" not in response.context["filter"].form.fields
    assert response.context["paginator"].count == 19


# --- bulk actions: what each role sees ----------------------------------------------------------


def test_staff_get_a_selection_column_and_the_bulk_form(staff_client):
    response = staff_client.get(URL, {"province": "22"})
    page = response.content.decode()
    assert page.count('name="ids"') == 6
    assert 'name="select_page"' in page
    assert 'id="bulk-form"' in page
    assert page.count('name="page_ids"') == 6
    assert '<input type="hidden" name="query" value="province=22">' in page


@pytest.mark.parametrize("who", ["officer_qn", "plain_user"])
def test_others_get_no_selection_column(client, request, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(URL).content.decode()
    assert 'name="ids"' not in page
    assert "bulk-form" not in page


# --- bulk actions: doing it ---------------------------------------------------------------------


def _bulk(client, ids, *, query="", select_page=False, page_ids=(), extra=None, **fields):
    data = {f"bulk-{name}": value for name, value in fields.items()}
    data.update(ids=[str(i) for i in ids], query=query, page_ids=[str(i) for i in page_ids])
    if select_page:
        data["select_page"] = "1"
    data.update(extra or {})
    return client.post(BULK, data)


def test_bulk_assign_records_each_one_and_returns_to_the_same_list(
    staff_client, ministry_user, django_capture_on_commit_callbacks
):
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    colleague = make_user("vienthong", unit_name=unit.name, email="vt@example.invalid")
    selection = _pks(QN[:3])
    with django_capture_on_commit_callbacks(execute=True):
        response = _bulk(
            staff_client,
            selection,
            query="province=22&ordering=due&page=1",
            responsible_unit=unit.pk,
            due_date="31/12/2030",
            comment="Theo chỉ đạo.",
        )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?province=22&ordering=due&page=1"
    for recommendation in Recommendation.objects.filter(pk__in=selection):
        assert recommendation.status == Status.ASSIGNED
        assert recommendation.responsible_unit == unit
        assert recommendation.due_date.isoformat() == "2030-12-31"
        # One entry each: the move to assigned says what was set and why.
        history = list(recommendation.history.order_by("-id")[:1])
        assert history[0].to_status == Status.ASSIGNED
        assert history[0].changed_by == ministry_user
        assert "Theo chỉ đạo." in history[0].comment
    # One line per item in the colleague's next digest instead of one mail per item.
    assert [m.to for m in mail.outbox].count([colleague.email]) == 0
    assert DigestLine.objects.filter(recipient=colleague, sent_on=None).count() == 3
    # The others are untouched.
    assert not Recommendation.objects.filter(key__in=QN[3:]).exclude(responsible_unit=None)
    response = staff_client.get(response["Location"])
    assert "Đã thay đổi 3 kiến nghị" in " ".join(_messages(response))


def test_bulk_select_all_on_the_page_works_without_javascript(staff_client):
    page_ids = _pks(QN)
    response = _bulk(
        staff_client, [], select_page=True, page_ids=page_ids, priority="40", query="province=22"
    )
    assert response.status_code == 302
    assert set(
        Recommendation.objects.filter(pk__in=page_ids).values_list("priority", flat=True)
    ) == {40}


def test_bulk_move_lists_each_refused_one_with_its_reason(staff_client):
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    Recommendation.objects.filter(key=QN[0]).update(status=Status.ASSIGNED, responsible_unit=unit)
    movable, stuck = _pks([QN[0]]), _pks([QN[1]])  # the second is still "reported"
    response = _bulk(staff_client, movable + stuck, new_status="in_progress")
    response = staff_client.get(response["Location"])
    messages = _messages(response)
    assert any("Đã thay đổi 1 kiến nghị" in m for m in messages)
    refused = [m for m in messages if m.startswith("Không thay đổi")]
    assert len(refused) == 1
    assert "không thể chuyển sang" in refused[0]
    statuses = dict(Recommendation.objects.filter(key__in=QN[:2]).values_list("key", "status"))
    assert statuses == {QN[0]: Status.IN_PROGRESS, QN[1]: Status.REPORTED}


def test_bulk_says_which_were_already_so(staff_client):
    response = _bulk(staff_client, _pks(QN[:2]), priority="20")  # already normal
    messages = _messages(staff_client.get(response["Location"]))
    assert any("2 kiến nghị đã có sẵn các giá trị này" in m for m in messages)
    assert not any(m.startswith("Đã thay đổi") for m in messages)


def test_bulk_close_needs_a_resolution_note_and_keeps_what_was_typed(staff_client):
    selection = _pks(QN[:2])
    before = _snapshot(QN)
    response = _bulk(
        staff_client,
        selection,
        query="province=22",
        new_status="resolved",
        comment="Lý do dài.",
        extra={"confirming": "1"},
    )
    # The confirmation page again, with the error, the rows and what was typed.
    assert response.status_code == 200
    assert _snapshot(QN) == before
    page = response.content.decode()
    assert "<title>Lỗi:" in page
    assert 'id="bulk-errors-title"' in page
    assert 'href="#id_bulk-resolution_note"' in page
    assert "Lý do dài." in page  # nothing typed is lost…
    for pk in selection:  # …nor the selection
        assert f'<input type="hidden" name="ids" value="{pk}">' in page


def test_bulk_bar_offers_only_the_moves_that_apply(staff_client):
    page = staff_client.get(URL, {"province": "22"}).content.decode()
    bar = page.split('id="bulk-form"')[1].split("</form>")[0]
    # Every Quảng Ninh row is "reported": its moves, and nothing a reported one cannot take.
    assert 'value="status:assigned"' in bar and 'value="status:resolved"' in bar
    assert 'value="status:in_progress"' not in bar and 'value="status:reported"' not in bar
    assert 'data-targets="assigned resolved' in page


def test_bulk_preview_lists_the_rows_and_writes_nothing(staff_client):
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    Recommendation.objects.filter(key=QN[0]).update(status=Status.ASSIGNED, responsible_unit=unit)
    before = _snapshot(QN)
    response = _bulk(
        staff_client,
        _pks(QN[:2]),
        query="province=22",
        extra={"preview": "1", "action": "status:in_progress"},
    )
    assert response.status_code == 200
    assert _snapshot(QN) == before
    page = response.content.decode()
    assert page.count('class="refusal"') == 1  # the "reported" one cannot start
    assert '<option value="in_progress" selected>' in page
    assert 'name="confirming"' in page
    assert f'href="{URL}?province=22"' in page


def test_bulk_select_across_pages_uses_the_filters_again_with_the_same_checks(staff_client):
    # "All 6 matching the filters", from a page that shows 2 of them: the query is sent, not
    # the ids, and evaluated again on the server.
    response = _bulk(
        staff_client,
        [],
        query="province=22&page_size=2",
        priority="40",
        extra={"select_across": "1"},
    )
    assert response.status_code == 302
    assert set(Recommendation.objects.filter(key__in=QN).values_list("priority", flat=True)) == {40}
    assert not Recommendation.objects.filter(key__in=BN, priority=40).exists()


def test_bulk_select_across_is_refused_to_an_officer(client, officer_qn):
    client.force_login(officer_qn)
    before = _snapshot(QN + BN)
    response = _bulk(client, [], query="", priority="40", extra={"select_across": "1"})
    assert response.status_code == 403
    assert _snapshot(QN + BN) == before


def test_bulk_without_a_selection_asks_for_one(staff_client):
    response = _bulk(staff_client, [], priority="40")
    page = staff_client.get(response["Location"]).content.decode()
    assert "Hãy chọn ít nhất một kiến nghị trong danh sách." in page


def test_bulk_without_a_change_asks_for_one(staff_client):
    before = _snapshot(QN)
    response = _bulk(staff_client, _pks(QN))
    page = staff_client.get(response["Location"]).content.decode()
    assert "Hãy chọn ít nhất một thay đổi cần áp dụng." in page
    assert _snapshot(QN) == before


def test_bulk_bad_date_is_an_error(staff_client):
    before = _snapshot(QN)
    response = _bulk(staff_client, _pks(QN), due_date="31/02/2025")
    page = staff_client.get(response["Location"]).content.decode()
    assert 'href="#id_bulk-due_date"' in page
    assert _snapshot(QN) == before


@pytest.mark.parametrize("who", ["officer_qn", "officer_bn", "plain_user"])
def test_forged_bulk_post_is_forbidden_and_changes_nothing(client, request, who):
    client.force_login(request.getfixturevalue(who))
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    before = _snapshot(QN + BN)
    response = _bulk(client, _pks(QN + BN), responsible_unit=unit.pk, new_status="assigned")
    assert response.status_code == 403
    assert _snapshot(QN + BN) == before


def test_bulk_ids_that_do_not_exist_are_reported(staff_client):
    response = _bulk(staff_client, [*_pks(QN[:1]), 999999], priority="40")
    messages = _messages(staff_client.get(response["Location"]))
    assert any("không có kiến nghị số 999999" in m for m in messages)
    assert Recommendation.objects.get(key=QN[0]).priority == 40


def test_bulk_ignores_values_that_are_not_ids(staff_client):
    response = staff_client.post(
        BULK, {"ids": ["abc", "1e5", "-3", "9" * 40, "²"], "bulk-priority": "40"}
    )
    assert response.status_code == 302
    page = staff_client.get(response["Location"]).content.decode()
    assert "Hãy chọn ít nhất một kiến nghị trong danh sách." in page


def test_bulk_selection_is_bounded(staff_client):
    response = _bulk(staff_client, range(1, 600), priority="40")
    page = staff_client.get(response["Location"]).content.decode()
    assert "Mỗi lần chỉ chọn tối đa 500 kiến nghị." in page
    assert not Recommendation.objects.filter(priority=40).exists()


def test_bulk_returns_only_to_the_list(staff_client):
    response = _bulk(staff_client, _pks(QN[:1]), priority="40", query="//evil.example/?x=1")
    assert response["Location"].startswith(f"{URL}?")
    assert "evil.example" not in response["Location"].split("?")[0]


def test_bulk_is_post_only(staff_client):
    assert staff_client.get(BULK).status_code == 405


# --- a fixed number of queries for every role ---------------------------------------------------


@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        # session, user, the user's roles, the user's columns, count, the page's rows, the
        # choices of the five model filters (the group's: issue 12), and…
        # (the bulk bar's statuses come from the lifecycle: no query; the units of the bulk
        # form are on its confirmation page)
        ("ministry_user", {}, 11),  # …nothing more
        ("ministry_user", {"mine": "unit", "province": "22"}, 12),  # …the chosen province
        ("officer_qn", {}, 13),  # …the officer's province binding and its name for the chip
        ("officer_qn", {"scope": "all"}, 12),  # …the binding only
        ("plain_user", {}, 11),  # …nothing more
    ],
)
def test_list_query_count_is_fixed_for_every_role(
    client, request, django_assert_num_queries, who, params, expected
):
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")  # ministry_user's unit
    Recommendation.objects.filter(key__in=QN[:2]).update(responsible_unit=unit)
    client.force_login(request.getfixturevalue(who))
    client.get(URL)
    with django_assert_num_queries(expected):
        client.get(URL, {**params, "page_size": 5})
    with django_assert_num_queries(expected):
        client.get(URL, {**params, "page_size": 100})
