"""The API of round 2's merged work: hold and resume, groups and their one answer, reply
documents – through the services and the access rule, attacked as an officer would."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from recommendations.documents import document_create
from recommendations.groups import group_create
from recommendations.models import EntryKind, Recommendation, Status
from surveys.models import MinistryUnit

from .test_api import BN, LIST, QN, _put, _state, token_client

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GROUPS = "/api/v1/groups/"
DOCUMENTS = "/api/v1/documents/"


@pytest.fixture(autouse=True)
def media(tmp_path):
    """Stored files go to a temporary directory, never to the real MEDIA_ROOT."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media-not-served/"},
        },
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path):
        yield tmp_path


def _document(by, number="15/BKHCN-PC", **fields):
    upload = SimpleUploadedFile("Công văn trả lời.pdf", PDF_BYTES, content_type="application/pdf")
    return document_create(by=by, number=number, files=[upload], **fields)


def _post(api, recommendation, action, body=None, etag=None):
    headers = {}
    if etag is not False:
        headers["HTTP_IF_MATCH"] = etag or f'"{recommendation.version}"'
    return api.post(f"{LIST}{recommendation.pk}/{action}/", body or {}, format="json", **headers)


def _hold_state(recommendation):
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    return (*_state(recommendation), fresh.on_hold_since, fresh.hold_reason)


# --- the recommendation's new fields ------------------------------------------------------------


def test_a_recommendation_shows_its_hold_units_group_and_documents(ministry_user):
    recommendation = _put(QN, Status.ASSIGNED)
    unit = MinistryUnit.objects.exclude(pk=recommendation.responsible_unit_id).first()
    recommendation.supporting_units.add(unit)
    group = group_create(by=ministry_user, title="Đào tạo", members=[recommendation])
    document = _document(ministry_user)
    recommendation.documents.add(document)
    api = token_client(ministry_user)
    response = _post(api, recommendation, "hold", {"reason": "Chờ ý kiến Chính phủ."})
    assert response.status_code == 200, response.content
    body = api.get(f"{LIST}{recommendation.pk}/").json()
    assert body["supporting_units"] == [unit.pk]
    assert body["group"] == group.pk
    assert body["documents"] == [document.pk]
    assert body["on_hold_since"] and body["hold_reason"] == "Chờ ý kiến Chính phủ."
    assert body["is_overdue"] is False
    assert body["history"][-1]["kind"] == EntryKind.HOLD
    row = next(r for r in api.get(f"{LIST}?scope=all&page_size=100").json()["results"])
    assert {"supporting_units", "group", "documents", "on_hold_since", "hold_reason"} <= set(row)


# --- hold and resume ----------------------------------------------------------------------------


def test_staff_hold_and_resume_with_if_match(ministry_user):
    recommendation = _put(QN, Status.IN_PROGRESS, due_date="2026-12-31")
    api = token_client(ministry_user)
    response = _post(api, recommendation, "hold", {"reason": "Chờ Thủ tướng."})
    assert response.status_code == 200, response.content
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert fresh.is_on_hold and fresh.hold_reason == "Chờ Thủ tướng."
    assert response["ETag"] == f'"{fresh.version}"'
    response = api.post(
        f"{LIST}{recommendation.pk}/resume/", {}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert response.status_code == 200, response.content
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert not fresh.is_on_hold and fresh.status == Status.IN_PROGRESS
    assert [e["kind"] for e in response.json()["history"][-2:]] == ["hold", "resume"]


@pytest.mark.parametrize("action", ["hold", "resume"])
@pytest.mark.parametrize("key", [QN, BN])
def test_an_officer_cannot_hold_or_resume_even_their_own(officer_qn, ministry_user, action, key):
    recommendation = _put(key, Status.IN_PROGRESS)
    if action == "resume":
        _post(token_client(ministry_user), recommendation, "hold", {"reason": "Chờ."})
        recommendation.refresh_from_db()
    before = _hold_state(recommendation)
    response = _post(token_client(officer_qn), recommendation, action, {"reason": "Tự hoãn."})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert _hold_state(recommendation) == before


def test_hold_needs_if_match_and_a_stale_one_changes_nothing(ministry_user):
    recommendation = _put(QN, Status.IN_PROGRESS)
    api = token_client(ministry_user)
    before = _hold_state(recommendation)
    assert _post(api, recommendation, "hold", {"reason": "x"}, etag=False).status_code == 428
    response = _post(api, recommendation, "hold", {"reason": "x"}, etag='"999"')
    assert response.status_code == 412
    assert response.json()["current"]["on_hold_since"] is None
    assert _hold_state(recommendation) == before


def test_refused_holds_say_why_by_field(ministry_user):
    recommendation = _put(QN, Status.IN_PROGRESS)
    api = token_client(ministry_user)
    response = _post(api, recommendation, "hold", {"reason": "   "})
    assert response.status_code == 400 and response.json()["errors"]["reason"]
    resume = _post(api, recommendation, "resume")
    assert resume.status_code == 400
    assert resume.json()["detail"] == "Kiến nghị này không bị tạm dừng." or resume.json()["detail"]
    closed = _put(BN, Status.RESOLVED)
    before = _hold_state(closed)
    response = _post(api, closed, "hold", {"reason": "Chờ."})
    assert response.status_code == 400 and response.json()["errors"]["reason"]
    assert _hold_state(closed) == before


# --- groups -------------------------------------------------------------------------------------


@pytest.fixture
def group(ministry_user):
    members = [_put(QN, Status.IN_PROGRESS), _put(BN, Status.RESOLVED)]
    return group_create(
        by=ministry_user,
        title="Hướng dẫn chuyển giao công nghệ",
        lead_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
        members=members,
    )


def test_groups_list_and_detail_with_members_and_progress(
    officer_qn, group, django_assert_max_num_queries
):
    api = token_client(officer_qn)  # every signed-in user may read, as on the pages
    api.get(GROUPS)
    with django_assert_max_num_queries(6):
        response = api.get(GROUPS)
    assert response.status_code == 200
    row = response.json()["results"][0]
    members = sorted(Recommendation.objects.filter(group=group).values_list("pk", flat=True))
    assert row["id"] == group.pk and row["members"] == members
    assert row["lead_unit_name"] == "Vụ Pháp chế"
    assert row["progress"] == {"closed": 1, "total": 2, "percent": 50}
    assert api.get(f"{GROUPS}{group.pk}/").json() == row


def test_staff_answer_a_group_once_and_hear_who_was_refused(ministry_user, group):
    qn, bn = (Recommendation.objects.get(key=k) for k in (QN, BN))
    outsider = Recommendation.objects.exclude(group=group).first()
    document = _document(ministry_user)
    response = token_client(ministry_user).post(
        f"{GROUPS}{group.pk}/answer/",
        {
            "recommendations": [qn.pk, bn.pk, outsider.pk],
            "status": "resolved",
            "resolution_note": "Bộ đã ban hành Thông tư.",
            "document": document.pk,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["moved"] == [qn.pk]
    assert {r["id"] for r in body["refused"]} == {bn.pk, outsider.pk}
    assert all(r["reason"] for r in body["refused"])
    qn.refresh_from_db()
    assert qn.status == Status.RESOLVED and list(qn.documents.all()) == [document]


def test_an_officer_cannot_answer_a_group(officer_qn, group):
    qn = Recommendation.objects.get(key=QN)
    before = _state(qn)
    response = token_client(officer_qn).post(
        f"{GROUPS}{group.pk}/answer/",
        {"recommendations": [qn.pk], "status": "resolved", "resolution_note": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert _state(qn) == before


@pytest.mark.parametrize(
    "body",
    [
        {"recommendations": [], "status": "resolved"},
        {"recommendations": [2**31 - 1], "status": "resolved"},
        {"recommendations": [1], "status": "bogus"},
        {"recommendations": [1], "status": "resolved", "document": 2**31 - 1},
    ],
)
def test_a_bad_group_answer_is_a_400_problem(ministry_user, group, body):
    response = token_client(ministry_user).post(f"{GROUPS}{group.pk}/answer/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


# --- reply documents ----------------------------------------------------------------------------


def test_documents_list_and_detail_with_their_files(
    client, officer_qn, ministry_user, django_assert_max_num_queries
):
    document = _document(
        ministry_user, issuer="Bộ KH&CN", signer="Nguyễn Văn A", summary="Trả lời về thủ tục."
    )
    recommendation = Recommendation.objects.get(key=QN)
    recommendation.documents.add(document)
    api = token_client(officer_qn)
    api.get(DOCUMENTS)
    with django_assert_max_num_queries(7):
        response = api.get(DOCUMENTS)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["number"] == "15/BKHCN-PC" and row["is_public"] is False
    assert row["recommendations"] == [recommendation.pk]
    (stored,) = row["files"]
    assert (stored["name"], stored["type"], stored["size"]) == (
        "Công văn trả lời.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert api.get(f"{DOCUMENTS}{document.pk}/").json() == row
    # The download URL is the pages' permission-checked view: signed in, an attachment.
    client.force_login(officer_qn)
    download = client.get(stored["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", [GROUPS, f"{GROUPS}1/", DOCUMENTS, f"{DOCUMENTS}1/"])
def test_anonymous_get_401_for_groups_and_documents(url):
    assert APIClient().get(url).status_code == 401


def test_the_schema_names_the_new_operations(ministry_user):
    schema = token_client(ministry_user).get("/api/schema/?format=json").json()
    for path in ("hold", "resume"):
        operation = schema["paths"][f"/api/v1/recommendations/{{id}}/{path}/"]["post"]
        assert {"400", "403", "412", "428"} <= set(operation["responses"])
        assert any(p["name"] == "If-Match" and p["required"] for p in operation["parameters"])
    assert "/api/v1/groups/{id}/answer/" in schema["paths"]
    assert "/api/v1/documents/{id}/" in schema["paths"]
