"""One recommendation's page: where it came from, what it answers, who holds it, its history."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from recommendations.models import Recommendation
from recommendations.services import recommendation_add_note, recommendation_triage
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db


def _qn1():
    return Recommendation.objects.get(key="2025-quang-ninh-kn-01")


def test_detail_shows_the_recommendation_in_full(staff_client):
    recommendation = _qn1()
    response = staff_client.get(recommendation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(recommendation.text) in page
    assert "Tỉnh Quảng Ninh" in page
    assert "Đoàn số 2 – Cao Huy Long" in page  # the visit's delegation
    assert 'class="badge badge--reported">đã báo cáo Lãnh đạo Bộ<' in page
    for authority in recommendation.addressed_to.all():
        assert authority.name in page
    for obstacle in recommendation.obstacles.all():
        assert obstacle.get_absolute_url() in page
    assert "chưa giao" in page  # no responsible unit yet


def test_detail_shows_the_full_history(staff_client, ministry_user):
    recommendation = _qn1()
    recommendation_triage(
        recommendation=recommendation,
        by=ministry_user,
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
    )
    recommendation_add_note(
        recommendation=_qn1(), by=ministry_user, comment="Đã họp với Sở KH&CN Quảng Ninh."
    )
    response = staff_client.get(_qn1().get_absolute_url())
    history = list(response.context["recommendation"].history.all())
    assert len(history) >= 4
    page = response.content.decode()
    assert "Đã họp với Sở KH&amp;CN Quảng Ninh." in page
    assert "Vụ Pháp chế" in page
    assert 'badge--assigned">đã giao xử lý<' in page


def test_detail_has_a_place_for_actions(staff_client):
    from django.template.loader import get_template

    source = get_template("recommendations/recommendation_detail.html").template.source
    assert "{% block actions %}" in source
    assert staff_client.get(_qn1().get_absolute_url()).status_code == 200


def test_unknown_recommendation_is_a_404(staff_client):
    response = staff_client.get(reverse("recommendations:detail", args=[999999]))
    assert response.status_code == 404


def test_detail_query_count_is_fixed(staff_client, ministry_user, django_assert_num_queries):
    for n in range(5):
        recommendation_add_note(recommendation=_qn1(), by=ministry_user, comment=f"Ghi chú {n}")
    url = _qn1().get_absolute_url()
    staff_client.get(url)
    # session, user, the row with its province, unit, group and source, the user's roles, the
    # units offered by the triage form (the status form leaves the first assignment to it: one
    # way to assign; other roles: test_detail_actions.py), the documents the status form
    # offers; the record's sections (no cache in the tests: test_record_cache.py) – the visit,
    # addressees, fields, supporting units, obstacles, history with its files and documents,
    # the documents cited; the similar recommendations (the campaign's start, the candidates,
    # on a small table the sample of word pairs; cached on a large one)
    with django_assert_num_queries(18):
        staff_client.get(url)


def test_officers_and_users_without_a_role_may_read_it(client, officer_bn, plain_user):
    # Reading is open to everyone signed in, whatever their province.
    for user in (officer_bn, plain_user):
        client.force_login(user)
        assert client.get(_qn1().get_absolute_url()).status_code == 200


# --- the list as a queue (issue 10) -------------------------------------------------------------


def test_back_leads_to_the_same_filtered_list_and_next_to_the_following_row(staff_client):
    from urllib.parse import quote

    listed = "province=22&ordering=due"
    page = staff_client.get(reverse("recommendations:list") + "?" + listed).content.decode()
    links = re.findall(r'class="row-link" href="([^"]+)"', page)
    first, second = (link.replace("&amp;", "&") for link in links[:2])
    assert first.endswith(f"?back={quote(listed, safe='')}&pos=0")
    detail = staff_client.get(first).content.decode()
    assert f'href="/recommendations/?{listed.replace("&", "&amp;")}"' in detail
    next_url = re.search(r'href="([^"]+)" rel="next"', detail).group(1).replace("&amp;", "&")
    assert next_url.split("?")[0] == second.split("?")[0]
    assert next_url.endswith("&pos=1")


def test_back_goes_only_to_the_list(staff_client):
    url = _qn1().get_absolute_url() + "?back=//evil.example/&pos=abc"
    page = staff_client.get(url).content.decode()
    assert "evil.example/" not in page.split("Quay lại danh sách")[0].rsplit("<a", 1)[-1]
    assert 'href="/recommendations/?%2F%2Fevil.example%2F="' in page


def test_a_save_keeps_the_way_back_and_on(staff_client):
    recommendation = _qn1()
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    response = staff_client.post(
        reverse("recommendations:triage", args=[recommendation.pk]),
        {
            "triage-responsible_unit": unit.pk,
            "triage-priority": 20,
            "triage-version": recommendation.version,
            "back": "province=22&status=reported",
            "pos": "0",
            "next_id": "7",
            "next_pos": "0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{recommendation.get_absolute_url()}"
        "?back=province%3D22%26status%3Dreported&pos=0&next_id=7&next_pos=0"
    )


def test_assigning_is_one_action_on_the_page(staff_client):
    page = staff_client.get(_qn1().get_absolute_url()).content.decode()
    move = page.split('id="move-form"')[1].split("</form>")[0]
    assert 'value="assigned"' not in move  # the triage form assigns
    assert 'id="triage-form"' in page
    # Triage comes first for a reported one.
    assert page.index('id="triage-form"') < page.index('id="move-form"')
