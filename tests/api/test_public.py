"""The public progress page: no sign-in, public fields only, cached and cleared on change,
open data of exactly what it shows; anonymous visitors reach nothing else."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import get_resolver, reverse

from recommendations import public
from recommendations.documents import document_create, evidence_attach_files
from recommendations.models import Recommendation, Status, StatusChange
from recommendations.services import recommendation_add_note, recommendation_transition
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

URL = "/cong-khai/"
QN = "2025-quang-ninh-kn-01"
SECRET_NOTE = "Ghi chú nội bộ: ông Nguyễn Văn Bí mật, bimat@example.gov.vn"


@pytest.fixture
def with_private_things(ministry_user):
    """A recommendation with everything that must never be public: an internal comment with a
    name and an e-mail address, a resolution note, an official's account."""
    recommendation = Recommendation.objects.get(key=QN)
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    ministry_user.first_name, ministry_user.last_name = "Cán", "Bộ Kín"
    ministry_user.email = "canbo.kin@most.gov.vn"
    ministry_user.save()
    recommendation = recommendation_transition(
        recommendation=recommendation,
        to_status=Status.ASSIGNED,
        by=ministry_user,
        comment=SECRET_NOTE,
        responsible_unit=unit,
    )
    recommendation_add_note(recommendation=recommendation, by=ministry_user, comment=SECRET_NOTE)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        resolution_note="Ghi chú kết quả nội bộ", reply_reference="99/MẬT"
    )
    return Recommendation.objects.get(pk=recommendation.pk)


def test_anyone_can_read_it_without_signing_in(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "noindex" not in response.content.decode()
    assert response.context["total"]["received"] == Recommendation.objects.count()


def test_it_shows_only_public_fields(client, with_private_things, ministry_user):
    response = client.get(URL, {"province": "22"})
    page = response.content.decode()
    # Every field a row renders, and nothing else.
    rendered = set(re.findall(r'data-field="([a-z_]+)"', page))
    assert rendered == {"text", "province", "status", "lead_unit", "last_step", "documents"}
    assert set(response.context["rows"][0]) == set(public.PUBLIC_FIELDS)
    for secret in [
        "Bí mật",
        "bimat@example.gov.vn",
        "canbo.kin@most.gov.vn",
        "Bộ Kín",
        ministry_user.username,
        "Ghi chú kết quả nội bộ",
        "99/MẬT",
        "@",
    ]:
        assert secret not in page, secret
    row = next(r for r in response.context["rows"] if r["id"] == with_private_things.pk)
    assert row["lead_unit"] == "Vụ Pháp chế"
    assert row["status"] == Status.ASSIGNED and row["last_step"]


def test_downloads_hold_exactly_the_page_fields(client, with_private_things):
    response = client.get(reverse("public:download_json"), {"province": "22"})
    assert response.status_code == 200
    body = response.json()
    assert body["fields"] == list(public.PUBLIC_FIELDS)
    assert all(set(row) == set(public.PUBLIC_FIELDS) for row in body["recommendations"])
    assert (
        len(body["recommendations"]) == Recommendation.objects.filter(province__code="22").count()
    )
    assert SECRET_NOTE not in response.content.decode()

    response = client.get(reverse("public:download_csv"), {"province": "22"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == public.PUBLIC_FIELDS
    assert len(rows) - 1 == len(body["recommendations"])
    assert "Bí mật" not in text and "Ghi chú kết quả nội bộ" not in text


def test_the_page_is_cached_and_cleared_when_something_changes(
    client, ministry_user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.get(URL)
    with django_assert_max_num_queries(1):  # the figures and the rows come from the cache
        client.get(URL)
    recommendation = Recommendation.objects.get(key=QN)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_transition(
            recommendation=recommendation,
            to_status=Status.RESOLVED,
            by=ministry_user,
            resolution_note="Đã giải quyết.",
        )
    response = client.get(URL, {"province": "22"})
    row = next(r for r in response.context["rows"] if r["id"] == recommendation.pk)
    assert row["status"] == Status.RESOLVED


def test_in_english_too(client):
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert "What became of the provinces' recommendations" in page


def test_an_unknown_province_is_a_404(client):
    assert client.get(URL, {"province": "99"}).status_code == 404
    assert client.get(URL, {"province": "nonsense"}).status_code == 404


@override_settings(PUBLIC_PAGE=False)
def test_public_page_0_turns_it_off(client):
    assert client.get(URL).status_code == 404
    assert client.get(reverse("public:download_csv")).status_code == 404
    assert "Allow: /cong-khai/" not in client.get("/robots.txt").content.decode()


def test_robots_txt_allows_the_public_page_only(client):
    body = client.get("/robots.txt").content.decode()
    assert "Allow: /cong-khai/" in body and "Disallow: /" in body


def _urls(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from _urls(pattern.url_patterns, route)
        else:
            yield route


def test_anonymous_visitors_reach_nothing_else(client):
    """Every route of the app, with sample values for its parameters: only the public page,
    its downloads, robots.txt, the health check, the login and language pages answer an
    anonymous visitor; the rest redirects to the login page or answers 401."""
    Recommendation.objects.first()
    open_to_all = {
        "cong-khai/",
        "cong-khai/du-lieu.csv",
        "cong-khai/du-lieu.json",
        "robots.txt",
        "healthz/",
        "accounts/login/",
        "i18n/setlang/",
    }
    checked = 0
    for route in _urls(get_resolver().url_patterns):
        if route.startswith(("admin/", "^admin/")) or route.startswith("^static"):
            continue  # the admin keeps its own login (tests/tracker/test_admin.py)
        url = "/" + re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", route).lstrip("^").rstrip("$")
        url = url.replace("\\.", ".").replace("/?", "/")
        response = client.get(url)
        checked += 1
        if route.lstrip("^").rstrip("$") in open_to_all:
            continue
        if response.status_code == 302:
            assert reverse("login") in response["Location"], url
        else:
            assert response.status_code in (401, 404, 405), (url, response.status_code)
    assert checked > 20
    assert not get_user_model().objects.filter(username="").exists()


def test_a_progress_note_is_not_a_public_step(ministry_user):
    recommendation = Recommendation.objects.get(key=QN)
    before = public.public_rows(Recommendation.objects.filter(pk=recommendation.pk))
    recommendation_add_note(recommendation=recommendation, by=ministry_user, comment="x")
    assert StatusChange.objects.filter(recommendation=recommendation).latest("id").is_note
    after = public.public_rows(Recommendation.objects.filter(pk=recommendation.pk))
    assert after == before


# --- reply documents marked public ----------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def documents(tmp_path, ministry_user):
    """A public and an internal reply document answering the same recommendation, each with
    a file, and an evidence file: only the public document may ever show."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media-not-served/"},
        },
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path):
        recommendation = Recommendation.objects.get(key=QN)

        def pdf(name):
            return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")

        shown = document_create(
            by=ministry_user,
            number="77/BKHCN-PC",
            issued_on="2025-10-15",
            summary="Hướng dẫn thủ tục chuyển giao công nghệ.",
            signer="Nguyễn Văn Ký",
            signer_position="Thứ trưởng",
            is_public=True,
            files=[pdf("Công văn 77.pdf")],
        )
        internal = document_create(
            by=ministry_user,
            number="88/MẬT-NB",
            summary="Trao đổi nội bộ giữa các Vụ.",
            files=[pdf("noi-bo.pdf")],
        )
        (evidence,) = evidence_attach_files(
            recommendation=recommendation, by=ministry_user, uploads=[pdf("minh-chung.pdf")]
        )
        recommendation.documents.add(shown, internal)
        yield {
            "recommendation": recommendation,
            "shown": shown,
            "internal": internal,
            "evidence": evidence,
        }


def test_public_documents_show_and_internal_ones_never(client, documents):
    response = client.get(URL, {"province": "22"})
    page = response.content.decode()
    assert "77/BKHCN-PC" in page and "Hướng dẫn thủ tục chuyển giao công nghệ." in page
    for secret in [
        "88/MẬT-NB",
        "Trao đổi nội bộ",
        "noi-bo.pdf",
        "minh-chung.pdf",
        "Nguyễn Văn Ký",
        "Thứ trưởng",
        "/files/",
    ]:
        assert secret not in page, secret
    row = next(r for r in response.context["rows"] if r["id"] == documents["recommendation"].pk)
    (document,) = row["documents"]
    assert set(document) == set(public.PUBLIC_DOCUMENT_FIELDS)
    assert document["issued_on"] == "2025-10-15"
    # The downloads carry the same, and nothing of the internal document.
    body = client.get(reverse("public:download_json"), {"province": "22"}).content.decode()
    assert "77/BKHCN-PC" in body and "88/MẬT-NB" not in body and "Nguyễn Văn Ký" not in body
    response = client.get(reverse("public:download_csv"), {"province": "22"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "77/BKHCN-PC (2025-10-15)" in text and "88/MẬT-NB" not in text


def test_a_public_documents_file_downloads_without_signing_in_as_an_attachment(
    client, documents, tmp_path
):
    stored = documents["shown"].files.get()
    with override_settings(MEDIA_ROOT=tmp_path):
        row = public.public_documents([documents["recommendation"].pk])
        url = row[documents["recommendation"].pk][0]["files"][0]["url"]
        assert url == reverse("public:file", args=[stored.pk])
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_no_other_file_is_reachable_from_the_public_page(client, documents):
    internal = documents["internal"].files.get()
    for stored in (internal, documents["evidence"]):
        assert client.get(reverse("public:file", args=[stored.pk])).status_code == 404
    # A public document that answers no recommendation is not shown, nor its files.
    shown = documents["shown"]
    documents["recommendation"].documents.remove(shown)
    url = reverse("public:file", args=[shown.files.get().pk])
    assert client.get(url).status_code == 404
    with override_settings(PUBLIC_PAGE=False):
        documents["recommendation"].documents.add(shown)
        assert client.get(url).status_code == 404


def test_marking_a_document_internal_clears_the_cached_page(
    client, documents, django_capture_on_commit_callbacks
):
    assert "77/BKHCN-PC" in client.get(URL, {"province": "22"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        shown = documents["shown"]
        shown.is_public = False
        shown.save()
    assert "77/BKHCN-PC" not in client.get(URL, {"province": "22"}).content.decode()
