"""The triage list for each role: officers start on their own province, staff can keep to
their unit's recommendations."""

import csv
import io

import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from surveys.models import MinistryUnit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:list")
QN = [f"2025-quang-ninh-kn-0{n}" for n in range(1, 7)]
BN = ["2025-bac-ninh-kn-01", "2025-bac-ninh-kn-02"]


def _keys(response) -> set[str]:
    return {r.key for r in response.context["object_list"]}


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


# --- a fixed number of queries for every role ---------------------------------------------------


@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        # session, user, the user's roles, count, rows, the choices of the four model
        # filters, and…
        ("ministry_user", {}, 9),  # …nothing more
        ("ministry_user", {"mine": "unit", "province": "22"}, 10),  # …the chosen province
        ("officer_qn", {}, 11),  # …the officer's province binding and its name for the chip
        ("officer_qn", {"scope": "all"}, 10),  # …the binding only
        ("plain_user", {}, 9),  # …nothing more
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
