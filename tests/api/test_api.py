"""The REST API: the list page's filters, writes through the services and the access rule,
If-Match, problem documents, tokens, anonymous requests."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from recommendations.models import CLOSED_STATUSES, Recommendation, Status
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"
BN = "2025-bac-ninh-kn-01"
LIST = "/api/v1/recommendations/"
PAGE = reverse("recommendations:list")


def _put(key, status, **fields):
    """Test set-up only: place a recommendation in ``status`` with what that status needs."""
    values = {"status": status, **fields}
    if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED):
        values.setdefault("responsible_unit", MinistryUnit.objects.get(name="Vụ Pháp chế"))
    if status in CLOSED_STATUSES:
        values.setdefault("resolution_note", "Đã trả lời.")
    Recommendation.objects.filter(key=key).update(**values)
    return Recommendation.objects.get(key=key)


def _state(recommendation):
    """What a refused request must leave alone."""
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.history.count(),
        fresh.responsible_unit_id,
        fresh.priority,
        fresh.due_date,
        fresh.resolution_note,
    )


def token_client(user) -> APIClient:
    """A client sending ``user``'s API token, as another system would (no session)."""
    _token, key = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _ids(client, query: str) -> list[int]:
    ids, url = [], f"{LIST}?{query}&page_size=100" if query else f"{LIST}?page_size=100"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        ids += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return ids


def _page_ids(client, query: str) -> set[int]:
    response = client.get(f"{PAGE}?{query}&page_size=100" if query else PAGE, follow=True)
    assert response.status_code == 200
    assert response.context["paginator"].count <= 100
    return {r.pk for r in response.context["object_list"]}


QUERIES = [
    "",
    "q=dao+tao",
    "q=QUANG+NINH",
    "province=22&province=24",
    "status=new&status=reported",
    "state=open",
    "state=closed",
    "overdue=yes",
    "overdue=no&theme=legal",
    "responsible_unit=null",
    "field=digital-transformation",
    "due_before=31/12/2025",
    "created_after=2025-01-01&q=so+huu",
    "scope=all",
    "mine=unit",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("who", ["ministry_user", "officer_qn"])
def test_the_api_lists_the_same_ids_as_the_page(client, request, who, query):
    user = request.getfixturevalue(who)
    _put(QN, Status.IN_PROGRESS, due_date="2025-01-31")
    _put(BN, Status.RESOLVED)
    client.force_login(user)
    api = token_client(user)
    api_ids = _ids(api, query)
    assert len(api_ids) == len(set(api_ids))  # no row twice across the cursor's pages
    assert set(api_ids) == _page_ids(client, query)
    assert api_ids == sorted(api_ids, reverse=True)  # newest first, stable


def test_an_officer_sees_their_province_unless_asking_for_all(officer_qn):
    api = token_client(officer_qn)
    provinces = {row["province"] for row in api.get(LIST).json()["results"]}
    assert provinces == {"22"}
    provinces = {row["province"] for row in api.get(f"{LIST}?scope=all").json()["results"]}
    assert len(provinces) > 1


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "province=99",
        "due_before=31/02/2025",
        "responsible_unit=abc",
        # More digits than any id: refused before the query (SQLite overflowed: a 500).
        "responsible_unit=6003416671829195990415441920&responsible_unit=3",
        "responsible_unit=-5",
        "group=6003416671829195990415441920",
    ],
)
def test_a_bad_filter_value_is_a_400_problem(ministry_user, query):
    response = token_client(ministry_user).get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["type"].startswith("urn:tracker:problem:")
    assert body["errors"] and body["title"] == "Yêu cầu có lỗi."


def test_control_characters_are_cleaned_as_for_the_page(ministry_user):
    """tracker.middleware.CleanTextMiddleware strips NUL and other control characters from
    every query value before the API sees it (PostgreSQL refuses NUL in a string): the
    cleaned value filters as the page would."""
    api = token_client(ministry_user)
    assert _ids(api, "q=%00dao+tao") == _ids(api, "q=dao+tao")


def test_the_page_takes_an_overlong_unit_id_without_failing(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(f"{PAGE}?responsible_unit=6003416671829195990415441920")
    assert response.status_code == 200


def test_a_bad_cursor_is_a_404_problem(ministry_user):
    response = token_client(ministry_user).get(f"{LIST}?cursor=nonsense")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_detail_has_the_history_and_the_version_as_etag(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    response = token_client(ministry_user).get(f"{LIST}{recommendation.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{recommendation.version}"'
    body = response.json()
    assert body["status"] == recommendation.status
    assert body["status_label"] == recommendation.get_status_display()
    assert len(body["history"]) == recommendation.history.count()
    assert body["created_at"].startswith(str(recommendation.created_at.year))


def _transition(api, recommendation, etag=None, headers=None, **body):
    headers = dict(headers or {})
    if etag is not False:
        headers["HTTP_IF_MATCH"] = etag or f'"{recommendation.version}"'
    return api.post(f"{LIST}{recommendation.pk}/transition/", body, format="json", **headers)


def test_staff_move_a_status_with_if_match(ministry_user, caplog):
    recommendation = _put(QN, Status.ASSIGNED)
    with caplog.at_level(logging.INFO, logger="tracker.api"):
        response = _transition(
            token_client(ministry_user), recommendation, status="in_progress", comment="Bắt đầu."
        )
    assert response.status_code == 200, response.content
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert response["ETag"] == f'"{fresh.version}"'
    assert response.json()["history"][-1]["comment"] == "Bắt đầu."
    assert response.json()["history"][-1]["changed_by"] == ministry_user.username
    assert f"transition on recommendation {recommendation.pk} by canbo: 200" in caplog.text


def test_officer_token_cannot_move_another_provinces_recommendation(officer_qn):
    recommendation = _put(BN, Status.ASSIGNED)
    before = _state(recommendation)
    response = _transition(token_client(officer_qn), recommendation, status="in_progress")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Bạn không có quyền thay đổi kiến nghị này."
    assert _state(recommendation) == before


def test_officer_token_moves_their_own_as_the_page_allows(officer_qn):
    recommendation = _put(QN, Status.ASSIGNED)
    response = _transition(token_client(officer_qn), recommendation, status="in_progress")
    assert response.status_code == 200
    # …but not a move that is the ministry's to take.
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    before = _state(recommendation)
    response = _transition(
        token_client(officer_qn), recommendation, status="resolved", resolution_note="x"
    )
    assert response.status_code == 403
    assert _state(recommendation) == before


def test_officer_token_cannot_triage(officer_qn):
    recommendation = Recommendation.objects.get(key=QN)
    before = _state(recommendation)
    response = token_client(officer_qn).post(
        f"{LIST}{recommendation.pk}/triage/",
        {"priority": 40},
        format="json",
        HTTP_IF_MATCH=f'"{recommendation.version}"',
    )
    assert response.status_code == 403
    assert _state(recommendation) == before


def test_a_stale_if_match_is_412_with_the_current_state_and_changes_nothing(ministry_user):
    recommendation = _put(QN, Status.ASSIGNED)
    before = _state(recommendation)
    stale = f'"{recommendation.version - 1 or 99}"'
    response = _transition(
        token_client(ministry_user), recommendation, etag=stale, status="in_progress"
    )
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response["ETag"] == f'"{recommendation.version}"'
    body = response.json()
    assert body["current"]["status"] == Status.ASSIGNED
    assert body["current"]["version"] == recommendation.version
    assert "Người khác đã thay đổi" in body["detail"] or body["detail"]
    assert _state(recommendation) == before


def test_a_write_without_if_match_is_428_and_changes_nothing(ministry_user):
    recommendation = _put(QN, Status.ASSIGNED)
    before = _state(recommendation)
    response = _transition(
        token_client(ministry_user), recommendation, etag=False, status="in_progress"
    )
    assert response.status_code == 428
    assert response.json()["status"] == 428
    assert _state(recommendation) == before


def test_a_refused_transition_says_what_the_page_says_by_field(ministry_user):
    recommendation = _put(QN, Status.IN_PROGRESS)
    before = _state(recommendation)
    response = _transition(token_client(ministry_user), recommendation, status="resolved")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {
        "resolution_note": ["Cần ghi kết quả xử lý trước khi đóng kiến nghị."]
    }
    assert _state(recommendation) == before


def test_problems_are_in_english_when_asked(ministry_user):
    recommendation = _put(QN, Status.IN_PROGRESS)
    response = _transition(
        token_client(ministry_user),
        recommendation,
        status="resolved",
        headers={"HTTP_ACCEPT_LANGUAGE": "en"},
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["errors"]["resolution_note"] == ["Closing needs a resolution note."]


def test_notes_and_triage_go_through_the_services(ministry_user, officer_qn):
    recommendation = Recommendation.objects.get(key=QN)
    response = token_client(officer_qn).post(
        f"{LIST}{recommendation.pk}/notes/",
        {"comment": "Đang làm."},
        format="json",
        HTTP_IF_MATCH=f'"{recommendation.version}"',
    )
    assert response.status_code == 200
    assert response.json()["history"][-1]["is_note"] is True
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    # A due date from today on (the deadlines' rule refuses a past one).
    due = (timezone.localdate() + timedelta(days=120)).isoformat()
    response = token_client(ministry_user).post(
        f"{LIST}{recommendation.pk}/triage/",
        {"responsible_unit": unit.pk, "due_date": due, "priority": 30},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert response.status_code == 200, response.content
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.responsible_unit, str(fresh.due_date), fresh.priority) == (unit, due, 30)
    assert response.json()["due_date"] == due


def test_an_empty_note_is_a_400(officer_qn):
    recommendation = Recommendation.objects.get(key=QN)
    response = token_client(officer_qn).post(
        f"{LIST}{recommendation.pk}/notes/",
        {"comment": "   "},
        format="json",
        HTTP_IF_MATCH=f'"{recommendation.version}"',
    )
    assert response.status_code == 400
    assert response.json()["errors"]["comment"]


def test_a_body_that_is_not_json_is_a_problem(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    api = token_client(ministry_user)
    url = f"{LIST}{recommendation.pk}/notes/"
    etag = f'"{recommendation.version}"'
    response = api.post(url, "{oops", content_type="application/json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    response = api.post(url, "a=b", content_type="text/plain", HTTP_IF_MATCH=etag)
    assert response.status_code == 415


def test_the_session_works_for_the_pages_scripts_with_csrf(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(ministry_user)
    assert api.get(f"{LIST}{recommendation.pk}/").status_code == 200
    response = api.post(
        f"{LIST}{recommendation.pk}/notes/",
        {"comment": "x"},
        format="json",
        HTTP_IF_MATCH=f'"{recommendation.version}"',
    )
    assert response.status_code == 403  # no CSRF token: a forged cross-site request
    assert _state(recommendation)[1] == recommendation.version


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        "/api/v1/provinces/",
        "/api/v1/provinces/22/",
        "/api/v1/units/",
        "/api/v1/fields/",
        "/api/v1/delegations/",
        "/api/v1/visits/",
        "/api/v1/findings/",
        "/api/schema/",
    ],
)
def test_anonymous_and_bad_tokens_get_401(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token nottherightone")
    assert api.get(url).status_code == 401


def test_a_revoked_token_no_longer_works(ministry_user):
    token, key = AuthToken.objects.create(ministry_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/provinces/").status_code == 200
    token.delete()
    assert api.get("/api/v1/provinces/").status_code == 401


def test_tokens_are_stored_hashed(ministry_user):
    _token, key = AuthToken.objects.create(ministry_user)
    assert key not in json.dumps(list(AuthToken.objects.values("digest", "token_key")))


def test_create_api_token_command_prints_the_token_once(ministry_user, capsys):
    call_command("create_api_token", ministry_user.username)
    key = capsys.readouterr().out.strip().splitlines()[-1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/provinces/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/provinces/",
        "/api/v1/provinces/22/",
        "/api/v1/units/",
        "/api/v1/fields/",
        "/api/v1/delegations/",
        "/api/v1/visits/",
        "/api/v1/findings/",
    ],
)
def test_reference_collections_answer(ministry_user, url):
    response = token_client(ministry_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_list_query_count_does_not_grow_with_the_page(
    ministry_user, django_assert_max_num_queries
):
    api = token_client(ministry_user)
    api.get(LIST)  # warm the token's user caches
    with django_assert_max_num_queries(8):
        response = api.get(f"{LIST}?page_size=100&state=open")
    assert response.status_code == 200


def test_docs_pages_need_a_sign_in_and_keep_the_strict_policy(client, ministry_user):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    client.force_login(ministry_user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<style" not in page and "<script>" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_an_admin_issues_a_token_in_the_admin_and_sees_it_once(client, admin_user, ministry_user):
    client.force_login(admin_user)
    url = reverse("admin:knox_authtoken_add")
    response = client.post(url, {"user": ministry_user.pk, "expiry": ""}, follow=True)
    assert response.status_code == 200
    token = AuthToken.objects.get(user=ministry_user)
    shown = [str(m) for m in response.context["messages"]]
    key = re.search(r"<code>([0-9a-f]+)</code>", shown[0]).group(1)
    assert key.startswith(token.token_key)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/provinces/").status_code == 200
    # Not shown again: the list shows only the key's prefix.
    listing = client.get(reverse("admin:knox_authtoken_changelist")).content.decode()
    assert key not in listing
    # Revoked by deleting it.
    client.post(reverse("admin:knox_authtoken_delete", args=[token.pk]), {"post": "yes"})
    assert api.get("/api/v1/provinces/").status_code == 401


def test_staff_who_are_not_admins_cannot_issue_tokens(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("admin:knox_authtoken_add"))
    assert response.status_code == 403


def test_the_openapi_schema_validates_and_names_every_error(tmp_path, ministry_user):
    """What .ci/api-check checks first; Schemathesis then runs against a live server there."""
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    response = token_client(ministry_user).get("/api/schema/?format=json")
    schema = json.loads(response.content)
    status_enum = schema["components"]["schemas"]["StatusEnum"]
    assert status_enum["enum"] == list(Status.values)
    assert "đang xử lý" in status_enum["description"]  # the Vietnamese labels
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            assert {"401", "403", "429"} <= set(operation["responses"])
    transition = schema["paths"]["/api/v1/recommendations/{id}/transition/"]["post"]
    assert {"400", "412", "428"} <= set(transition["responses"])
    assert any(p["name"] == "If-Match" and p["required"] for p in transition["parameters"])
    list_params = {
        p["name"] for p in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    }
    assert {"q", "province", "status", "overdue", "cursor", "page_size"} <= list_params
