"""The filter forms' reference lists kept in the cache (tracker/reference.py): served without
queries while nothing changes, fresh once a unit, province, field, delegation or group is
saved or deleted – and a value not yet in a cached list still filters."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces.models import Province
from recommendations.models import Recommendation, RecommendationGroup
from surveys.models import MinistryUnit
from tracker import reference

pytestmark = pytest.mark.django_db

LIST = reverse("recommendations:list")


#: The cache the ``cached`` fixture (tests/conftest.py) turns on.
CACHE_ON = "CHOICES_CACHE_SECONDS"


def _queries(client, url=LIST):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def test_the_lists_choices_come_from_the_cache_the_second_time(cached, staff_client):
    first, cold = _queries(staff_client)
    second, warm = _queries(staff_client)
    # Provinces, units, fields, delegations and groups: five queries fewer, same page.
    assert cold - warm == 5
    assert first.content.count(b'name="province"') == second.content.count(b'name="province"')
    assert "Quảng Ninh" in second.content.decode()


def test_a_saved_unit_shows_in_the_list_at_once(
    cached, staff_client, django_capture_on_commit_callbacks
):
    _queries(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        MinistryUnit.objects.create(name="Vụ Thử nghiệm Bộ nhớ đệm", kind="department")
    response, _count = _queries(staff_client)
    assert "Vụ Thử nghiệm Bộ nhớ đệm" in response.content.decode()


def test_a_renamed_province_and_a_deleted_group_show_at_once(
    cached, staff_client, ministry_user, django_capture_on_commit_callbacks
):
    group = RecommendationGroup.objects.create(title="Nhóm sẽ bị xoá", created_by=ministry_user)
    reference._bump()
    response, _count = _queries(staff_client)
    assert "Nhóm sẽ bị xoá" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        province = Province.objects.get(code="22")
        province.name = "Quảng Ninh (tên mới)"
        province.save()
        group.delete()
    page = _queries(staff_client)[0].content.decode()
    assert "Quảng Ninh (tên mới)" in page
    assert "Nhóm sẽ bị xoá" not in page


def test_labels_follow_the_language(cached, staff_client):
    staff_client.get(LIST)  # Vietnamese choices cached
    staff_client.post(reverse("set_language"), {"language": "en", "next": LIST})
    english = staff_client.get(LIST).content.decode()
    assert "Delegation 1" in english


def test_a_value_missing_from_a_stale_list_still_filters(cached, staff_client):
    _queries(staff_client)  # cached before the unit exists; no commit raises the version
    unit = MinistryUnit.objects.create(name="Vụ Mới Lập", kind="department")
    recommendation = Recommendation.objects.filter(province__code="22").first()
    recommendation.responsible_unit = unit
    recommendation.save(update_fields=["responsible_unit"])
    response = staff_client.get(f"{LIST}?responsible_unit={unit.pk}")
    assert response.context["paginator"].count == 1
    assert not response.context["filter"].form.errors


def test_a_lost_version_never_brings_back_older_choices(cached):
    reference._bump()
    first = reference.version()
    cache.delete(reference.VERSION_KEY)  # evicted
    assert reference.version() > first


# --- the filter panel's HTML, cached for the same filters and user variant ------------------


def _panel(response) -> str:
    page = response.content.decode()
    return page[page.index('<details class="filters"') : page.index("</form>\n</details>")]


def test_the_filter_panel_follows_the_filters_and_the_language(cached, staff_client):
    plain = staff_client.get(LIST)
    assert 'value="22" checked' not in _panel(plain)
    filtered = staff_client.get(f"{LIST}?province=22")
    assert 'value="22" checked' in filtered.content.decode()
    # The next page of the same filters reuses the panel; it is the same HTML.
    assert _panel(staff_client.get(f"{LIST}?province=22&page=2")) == _panel(filtered)
    # An error is shown with the panel it belongs to, not with a cached clean one.
    wrong = staff_client.get(f"{LIST}?due_after=31/02/2026").content.decode()
    assert "field--error" in wrong
    staff_client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert "Apply filters" in staff_client.get(LIST).content.decode()


def test_an_officer_never_gets_the_panel_cached_for_staff(cached, staff_client, client, officer_qn):
    staff_page = staff_client.get(LIST).content.decode()
    assert 'name="mine"' in staff_page and 'name="scope"' not in staff_page
    client.force_login(officer_qn)
    officer_page = client.get(LIST).content.decode()
    assert 'name="mine"' not in officer_page
    assert 'name="scope"' in officer_page


def test_the_chosen_provinces_are_looked_up_once(cached, staff_client):
    _first, cold = _queries(staff_client, f"{LIST}?province=22&province=38")
    # The same filter, another page: the two provinces come from the cache.
    response, warm = _queries(staff_client, f"{LIST}?province=22&province=38&page=2")
    assert cold - warm >= 1
    chips = {chip.value for chip in response.context["chips"]}
    assert chips == {"Quảng Ninh", "Thanh Hóa"}
    assert (
        response.context["paginator"].count
        == Recommendation.objects.filter(province__code__in=["22", "38"]).count()
    )
    # A value that is no province is an error, every time, and is never kept.
    for _ in range(2):
        wrong = staff_client.get(LIST, {"province": "99"})
        assert wrong.context["filter"].form.errors.get("province")


def test_a_forms_fields_compile_their_query_once_and_a_narrowed_one_its_own(cached):
    """SharedQueryName: the form class's field and every form's copy share the compiled SQL;
    a form that narrows its own field's queryset gets its own key, never the full list."""
    from unittest import mock

    from django import forms

    class UnitForm(forms.Form):
        unit = reference.ReferenceChoiceField(queryset=MinistryUnit.objects.all())

    units = list(MinistryUnit.objects.order_by("pk"))
    with mock.patch.object(reference, "_query_text", wraps=reference._query_text) as compiled:
        for _ in range(3):
            choices = list(UnitForm().fields["unit"].choices)
        assert compiled.call_count == 1
    assert len(choices) == len(units) + 1  # and the empty choice
    narrowed = UnitForm()
    narrowed.fields["unit"].queryset = MinistryUnit.objects.filter(pk=units[0].pk)
    assert [value for value, _label in narrowed.fields["unit"].choices] == ["", str(units[0].pk)]
    assert len(list(UnitForm().fields["unit"].choices)) == len(units) + 1


def test_a_registered_document_can_be_cited_at_once(
    cached, staff_client, django_capture_on_commit_callbacks
):
    from recommendations.models import ReplyDocument, Status

    # Being handled by a unit: staff may close it, citing documents.
    recommendation = Recommendation.objects.first()
    Recommendation.objects.filter(pk=recommendation.pk).update(
        status=Status.IN_PROGRESS, responsible_unit=MinistryUnit.objects.first()
    )
    url = recommendation.get_absolute_url()
    assert "1999/BKHCN-KHTC" not in staff_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ReplyDocument.objects.create(number="1999/BKHCN-KHTC")
    assert "1999/BKHCN-KHTC" in staff_client.get(url).content.decode()
