"""The triage list: every filter, every ordering, bad input, and a query count that does not
depend on the page size or the data."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from provinces.models import Province
from recommendations.models import Priority, Recommendation, Status
from surveys.models import Delegation, MinistryUnit

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:list")
TODAY = timezone.localdate()


def _keys(response) -> set[str]:
    return {r.key for r in response.context["object_list"]}


def _all(client, **params) -> list[Recommendation]:
    response = client.get(URL, {"page_size": 100, **params}, follow=True)
    assert response.status_code == 200
    return list(response.context["object_list"])


def _set(key, **fields):
    """Test set-up only: give a seeded recommendation the triage values a test needs."""
    Recommendation.objects.filter(key=key).update(**fields)


QN = [f"2025-quang-ninh-kn-0{n}" for n in range(1, 7)]
BN = ["2025-bac-ninh-kn-01", "2025-bac-ninh-kn-02"]
TH = ["2025-thanh-hoa-kn-01", "2025-thanh-hoa-kn-02"]


def test_list_shows_every_recommendation_with_its_count(staff_client):
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert response.context["paginator"].count == 19
    assert "19 kiến nghị" in response.content.decode()


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("dao tao", 4),  # "đào tạo" in the text, without its marks
        ("ĐÀO TẠO", 4),  # capitals and marks do not matter either
        ("  dao   tao ", 4),  # nor extra spaces
        ("thanh hoa", 2),  # the province's name
        ("quang ninh", 6),
        ("khong co gi nhu the nay", 0),
    ],
)
def test_q_ignores_diacritics_and_case(staff_client, term, expected):
    rows = _all(staff_client, q=term)
    assert len(rows) == expected
    if term.strip().lower().startswith(("dao", "đào")):
        assert all("đào tạo" in r.text.lower() for r in rows)


def test_q_searches_the_responsible_unit(staff_client):
    _set(QN[0], responsible_unit=MinistryUnit.objects.get(name="Cục Viễn thông"))
    assert {r.key for r in _all(staff_client, q="vien thong")} == {QN[0]}


def test_q_treats_like_wildcards_as_text(staff_client):
    assert _all(staff_client, q="%") == []
    assert _all(staff_client, q="_") == []


def test_filter_by_several_provinces(staff_client):
    rows = _all(staff_client, province=["22", "24"])
    assert {r.key for r in rows} == set(QN + BN)


def test_filter_by_delegation(staff_client):
    delegation = Delegation.objects.get(number=2)  # the Quảng Ninh delegation
    assert {r.key for r in _all(staff_client, delegation=delegation.pk)} == set(QN)


def test_filter_by_field(staff_client):
    rows = _all(staff_client, field="standards-metrology-quality")
    assert {r.key for r in rows} == {"2025-hai-phong-kn-02", "2025-thanh-hoa-kn-02"}


def test_filter_by_theme(staff_client):
    rows = _all(staff_client, theme="legal")
    assert len(rows) == 5
    assert {r.theme for r in rows} == {"legal"}


def test_filter_by_several_statuses(staff_client):
    _set(QN[0], status=Status.RESOLVED, resolution_note="Đã trả lời.")
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    _set(QN[1], status=Status.ASSIGNED, responsible_unit=unit)
    assert {r.key for r in _all(staff_client, status=["resolved", "assigned"])} == set(QN[:2])
    assert len(_all(staff_client, status="reported")) == 17


def test_filter_open_or_closed(staff_client):
    _set(QN[0], status=Status.RESOLVED, resolution_note="Đã trả lời.")
    assert {r.key for r in _all(staff_client, state="closed")} == {QN[0]}
    assert len(_all(staff_client, state="open")) == 18


def test_filter_by_responsible_unit_or_none(staff_client):
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    _set(QN[0], responsible_unit=unit)
    assert {r.key for r in _all(staff_client, responsible_unit=unit.pk)} == {QN[0]}
    assert len(_all(staff_client, responsible_unit="null")) == 18


def test_filter_by_priority(staff_client):
    _set(QN[0], priority=Priority.URGENT)
    assert {r.key for r in _all(staff_client, priority=Priority.URGENT)} == {QN[0]}
    assert len(_all(staff_client, priority=Priority.NORMAL)) == 18


def test_filter_overdue(staff_client):
    yesterday = TODAY - datetime.timedelta(days=1)
    _set(QN[0], due_date=yesterday)  # open and past due: overdue
    _set(QN[1], due_date=TODAY)  # due today: not yet overdue
    _set(QN[2], due_date=yesterday, status=Status.RESOLVED, resolution_note="Xong.")  # closed
    assert {r.key for r in _all(staff_client, overdue="yes")} == {QN[0]}
    not_overdue = {r.key for r in _all(staff_client, overdue="no")}
    assert len(not_overdue) == 18
    assert QN[0] not in not_overdue


def test_filter_by_due_date_range(staff_client):
    _set(QN[0], due_date=datetime.date(2025, 10, 1))
    _set(QN[1], due_date=datetime.date(2025, 10, 15))
    _set(QN[2], due_date=datetime.date(2025, 11, 1))
    rows = _all(staff_client, due_after="2025-10-01", due_before="2025-10-15")
    assert {r.key for r in rows} == set(QN[:2])
    # dd/mm/yyyy, as civil servants write dates, works in the URL too.
    assert {r.key for r in _all(staff_client, due_after="15/10/2025")} == set(QN[1:3])


def test_filter_by_created_date_range_in_local_time(staff_client):
    # 23:30 in Hà Nội on 1 October is still 1 October, although it is 16:30 UTC.
    moment = timezone.make_aware(datetime.datetime(2025, 10, 1, 23, 30))
    _set(QN[0], created_at=moment)
    _set(QN[1], created_at=moment + datetime.timedelta(hours=1))  # 2 October
    assert {r.key for r in _all(staff_client, created_after="2025-10-01")} == set(QN[:2])
    rows = _all(staff_client, created_after="2025-10-01", created_before="2025-10-01")
    assert {r.key for r in rows} == {QN[0]}


def test_filters_combine(staff_client):
    rows = _all(staff_client, province=["22", "38"], theme="organisation", q="bien che")
    assert {r.key for r in rows} == {TH[0]}


def _dates():
    for index, key in enumerate(QN + BN):
        _set(
            key,
            due_date=datetime.date(2025, 12, 1) + datetime.timedelta(days=index),
            priority=[Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT][index % 4],
            updated_at=timezone.now() - datetime.timedelta(days=index),
            created_at=timezone.now() - datetime.timedelta(days=30 - index),
        )


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("due", lambda r: r.due_date or datetime.date.max),
        ("province", lambda r: r.province.search_name),
        ("priority", lambda r: r.priority),
        ("updated", lambda r: r.updated_at),
        ("created", lambda r: r.created_at),
        ("status", lambda r: list(Status).index(r.status)),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_every_ordering(staff_client, ordering, key, descending):
    _dates()
    _set(QN[3], status=Status.RESOLVED, resolution_note="Xong.")
    _set(BN[0], status=Status.NEW)
    rows = _all(staff_client, ordering=f"-{ordering}" if descending else ordering)
    assert len(rows) == 19
    values = [key(r) for r in rows]
    if ordering == "due" and descending:
        # Undated ones come last whichever the direction.
        dated = [v for v in values if v != datetime.date.max]
        assert dated == sorted(dated, reverse=True)
        assert values[len(dated) :] == [datetime.date.max] * (19 - len(dated))
    else:
        assert values == sorted(values, reverse=descending)


def test_default_ordering_is_last_updated_first(staff_client):
    _dates()
    rows = _all(staff_client)
    assert [r.updated_at for r in rows] == sorted((r.updated_at for r in rows), reverse=True)


def test_pages_never_repeat_a_row(staff_client):
    # All seeded rows share one due date (none): the primary key breaks the tie.
    seen = []
    for page in (1, 2, 3, 4):
        response = staff_client.get(URL, {"ordering": "due", "page_size": 5, "page": page})
        seen += [r.pk for r in response.context["object_list"]]
    assert len(seen) == len(set(seen)) == 19


def test_page_size_is_bounded(staff_client):
    response = staff_client.get(URL, {"page_size": 1000000})
    assert response.status_code == 200
    assert response.context["paginator"].per_page == 100
    assert "100" in " ".join(str(m) for m in response.context["messages"])
    assert staff_client.get(URL, {"page_size": 5}).context["paginator"].per_page == 5
    assert staff_client.get(URL).context["paginator"].per_page == 25


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e9", "9" * 5000])
def test_odd_page_sizes_fall_back_to_the_default(staff_client, value):
    response = staff_client.get(URL, {"page_size": value})
    assert response.status_code == 200
    assert response.context["paginator"].per_page in (25, 100)
    assert list(response.context["messages"])


def test_page_past_the_end_shows_the_last_page(staff_client):
    response = staff_client.get(URL, {"page_size": 5, "page": 999999})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 4
    assert len(response.context["object_list"]) == 4
    assert any("999999" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "9" * 5000])
def test_odd_page_numbers_show_the_first_page(staff_client, page):
    response = staff_client.get(URL, {"page_size": 5, "page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_page_last_is_understood(staff_client):
    response = staff_client.get(URL, {"page_size": 5, "page": "last"})
    assert response.context["page_obj"].number == 4


def test_empty_result_is_a_page_not_an_error(staff_client):
    response = staff_client.get(URL, {"q": "khong ton tai", "page": 3})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "Không có kiến nghị nào khớp" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "unknown"}, "status"),
        ({"province": "abc"}, "province"),
        ({"province": "99"}, "province"),
        ({"delegation": "abc"}, "delegation"),
        ({"responsible_unit": "x"}, "responsible_unit"),
        ({"priority": "99"}, "priority"),
        ({"theme": "weather"}, "theme"),
        ({"field": "cooking"}, "field"),
        ({"overdue": "maybe"}, "overdue"),
        ({"state": "limbo"}, "state"),
        ({"due_after": "2025-13-45"}, "due_after"),
        ({"due_before": "hôm qua"}, "due_before"),
        ({"created_after": "31/02/2025"}, "created_after"),
        ({"ordering": "password"}, "ordering"),
        ({"ordering": "-text,province"}, "ordering"),
    ],
)
def test_bad_values_give_the_page_with_a_message(staff_client, params, field):
    response = staff_client.get(URL, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    page = response.content.decode()
    assert 'class="error-summary"' in page
    # A checkbox list's message leads to its first box.
    assert any(f'href="#{target}"' in page for target in (f"id_{field}", f"id_{field}_0"))
    # The bad value is left out; the list is still there.
    assert response.context["paginator"].count == 19


def test_bad_value_does_not_drop_the_good_filters(staff_client):
    response = staff_client.get(URL, {"province": "22", "status": "unknown", "page_size": 100})
    assert {r.key for r in response.context["object_list"]} == set(QN)


def test_chips_show_active_filters_and_remove_themselves(staff_client):
    response = staff_client.get(
        URL, {"province": ["22", "24"], "status": "reported", "q": "dao tao", "page": 1}
    )
    chips = response.context["chips"]
    assert [(c.label, c.value) for c in chips] == [
        ("Tìm kiếm", "dao tao"),
        ("Tỉnh, thành phố", "Bắc Ninh"),
        ("Tỉnh, thành phố", "Quảng Ninh"),
        ("Trạng thái", "đã báo cáo Lãnh đạo Bộ"),
    ]
    remove_bac_ninh = chips[1].query
    assert remove_bac_ninh.getlist("province") == ["22"]
    assert remove_bac_ninh["q"] == "dao tao"
    assert "page" not in remove_bac_ninh
    remove_q = chips[0].query
    assert "q" not in remove_q
    assert remove_q.getlist("province") == ["22", "24"]
    page = response.content.decode()
    assert 'href="?province=22&amp;status=reported&amp;q=dao+tao"' in page


def test_filter_state_is_kept_in_links(staff_client):
    response = staff_client.get(URL, {"province": "22", "page_size": 2, "ordering": "due"})
    page = response.content.decode()
    assert 'href="?province=22&amp;page_size=2&amp;ordering=due&amp;page=2"' in page
    assert "/recommendations/export.csv?province=22&amp;ordering=due" in page


def test_htmx_request_gets_only_the_results(staff_client):
    response = staff_client.get(URL, {"province": "22"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]
    full = staff_client.get(URL, {"province": "22"}).content.decode()
    assert "<html" in full
    assert 'hx-get="/recommendations/"' in full


def _more_recommendations(count):
    """Extra rows in several provinces, units and statuses, so counts depend on the data."""
    provinces = list(Province.objects.all()[:5])
    units = list(MinistryUnit.objects.all()[:3])
    Recommendation.objects.bulk_create(
        Recommendation(
            province=provinces[n % 5],
            text=f"Kiến nghị bổ sung số {n} về đào tạo",
            theme="legal",
            responsible_unit=units[n % 3],
            status=Status.ASSIGNED,
            due_date=TODAY - datetime.timedelta(days=n % 7),
        )
        for n in range(count)
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "dao tao", "province": ["22", "24", "31"], "status": ["reported", "assigned"]},
        {"responsible_unit": "null", "overdue": "yes", "ordering": "-priority"},
        {"status": "bogus", "page": "999999", "due_after": "x"},
    ],
    ids=["plain", "filtered", "null-unit-overdue", "bad-input"],
)
def test_query_count_does_not_depend_on_page_size_or_data(
    staff_client, django_assert_num_queries, params
):
    staff_client.get(URL)  # warm the session and the content types
    baseline = _count_queries(staff_client, {**params, "page_size": 5})
    with django_assert_num_queries(baseline):
        staff_client.get(URL, {**params, "page_size": 100})
    _more_recommendations(120)
    with django_assert_num_queries(baseline):
        staff_client.get(URL, {**params, "page_size": 100})
    with django_assert_num_queries(baseline):
        staff_client.get(URL, {**params, "page_size": 5})


def test_plain_list_query_count_is_pinned(staff_client, django_assert_num_queries):
    # session, user, the user's roles, the user's columns (by primary key, one query whether
    # or not they chose any: test_list_columns.py), count, the page's rows (one query on the
    # first pages; a deep page takes its ids first: tests/tracker/test_pages.py), the choices
    # of the five model filters (the group's: issue 12; see test_list_workflow.py for the other
    # roles). The bulk bar offers its statuses from the lifecycle; its form's unit list is on
    # the confirmation page only.
    staff_client.get(URL)
    with django_assert_num_queries(11):
        staff_client.get(URL, {"page_size": 10})
    with django_assert_num_queries(11):
        staff_client.get(URL, {"page_size": 50})


def _count_queries(client, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_every_user_who_can_sign_in_may_read_it(client, officer_qn, plain_user):
    for user in (officer_qn, plain_user):
        client.force_login(user)
        assert client.get(URL).status_code == 200


def test_a_submitted_form_leaves_a_tidy_url(staff_client):
    # The form sends every field; the bookmarkable URL keeps only what filters.
    response = staff_client.get(
        URL + "?q=&province=22&state=&status=reported&ordering=-updated&page_size=25&due_after="
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?province=22&status=reported"
    htmx = staff_client.get(URL + "?q=dao+tao&theme=&page_size=25", headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert htmx["HX-Push-Url"] == f"{URL}?q=dao+tao"
    assert htmx.context["paginator"].count == 4
    assert staff_client.get(URL + "?q=&theme=")["Location"] == URL


def test_default_ordering_is_marked_in_the_sort_choice(staff_client):
    # "Last updated" has no column of its own (the list fits 1366 px): the sort choice says it.
    page = staff_client.get(URL).content.decode()
    assert re.search(r'<select name="ordering"[^>]*><option value="-updated">', page)
