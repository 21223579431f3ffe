"""One recommendation's page: where it came from, what it answers, who holds it, its history."""

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
    # session, user, the row with its relations, addressees, fields, obstacles, history, the
    # user's roles, and the units offered by the status form (first assignment) and the triage
    # form (other roles: test_detail_actions.py), the supporting units; issue 12: the history's
    # files and documents, the evidence files, the documents cited, the similar recommendations
    # (and, on a small table, the sample of word pairs; cached on a large one), the documents
    # the status form offers
    with django_assert_num_queries(18):
        staff_client.get(url)


def test_officers_and_users_without_a_role_may_read_it(client, officer_bn, plain_user):
    # Reading is open to everyone signed in, whatever their province.
    for user in (officer_bn, plain_user):
        client.force_login(user)
        assert client.get(_qn1().get_absolute_url()).status_code == 200
