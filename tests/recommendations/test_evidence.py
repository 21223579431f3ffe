"""Issue 12: evidence behind every closure, reply documents, files served safely."""

import datetime
import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from recommendations.documents import (
    check_upload,
    document_create,
    file_replace,
    sanitise_name,
)
from recommendations.models import (
    DocumentFile,
    Recommendation,
    ReplyDocument,
    Status,
    StatusChange,
)
from recommendations.services import recommendation_transition
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

QN = "2025-quang-ninh-kn-01"
BN = "2025-bac-ninh-kn-01"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML_BYTES = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def media(tmp_path):
    """Every stored file goes to a temporary directory, never to the real MEDIA_ROOT."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media-not-served/"},
        },
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path):
        yield tmp_path


def _pdf(name="Biên bản nghiệm thu.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _docx(name="Báo cáo.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def _put(key, status):
    unit = MinistryUnit.objects.get(name="Vụ Pháp chế")
    Recommendation.objects.filter(key=key).update(status=status, responsible_unit=unit)
    return Recommendation.objects.get(key=key)


def _state(recommendation):
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.history.count(),
        fresh.evidence_files.count(),
        fresh.documents.count(),
    )


def _propose(client, recommendation, **extra):
    data = {
        "move-status": Status.RESOLUTION_PROPOSED,
        "move-results": "Đã tổ chức 3 lớp tập huấn cho 120 cán bộ cấp xã.",
        "move-version": recommendation.version,
        **extra,
    }
    return client.post(reverse("recommendations:move", args=[recommendation.pk]), data)


# --- an officer's proposal to close needs evidence ----------------------------------------------


def test_officer_proposal_without_evidence_is_refused_and_nothing_changes(client, officer_qn):
    recommendation = _put(QN, Status.IN_PROGRESS)
    before = _state(recommendation)
    client.force_login(officer_qn)
    response = _propose(client, recommendation)
    assert response.status_code == 200
    assert "files" in response.context["failed_form"].errors
    assert "Hãy đính kèm ít nhất một tệp" in response.content.decode()
    assert _state(recommendation) == before
    # Nor without saying what was done.
    response = _propose(client, recommendation, **{"move-results": "", "move-files": [_pdf()]})
    assert "results" in response.context["failed_form"].errors
    assert _state(recommendation) == before
    # The service says the same to any other caller (the import, the API).
    with pytest.raises(ValidationError) as refused:
        recommendation_transition(
            recommendation=recommendation,
            to_status=Status.RESOLUTION_PROPOSED,
            by=officer_qn,
            comment="Đã làm xong.",
        )
    assert "files" in refused.value.message_dict
    assert _state(recommendation) == before


def test_officer_proposal_with_a_pdf_is_recorded_and_shown_before_the_ministrys_buttons(
    client, officer_qn, ministry_user, media
):
    recommendation = _put(QN, Status.IN_PROGRESS)
    client.force_login(officer_qn)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Kết quả thực hiện, căn cứ đề nghị đóng" in page
    response = _propose(client, recommendation, **{"move-files": [_pdf()]})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.RESOLUTION_PROPOSED
    stored = recommendation.evidence_files.get()
    assert (stored.name, stored.content_type, stored.size) == (
        "Biên bản nghiệm thu.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert default_storage.exists(stored.file.name)
    assert str(media) in default_storage.path(stored.file.name)
    # The history keeps which evidence the step relied on.
    entry = recommendation.history.last()
    assert list(entry.files.all()) == [stored]

    client.force_login(ministry_user)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    evidence = page.index('id="evidence"')
    assert evidence < page.index('id="actions"') < page.index("Lưu trạng thái")
    shown = page[evidence : page.index('id="actions"')]
    assert "Biên bản nghiệm thu.pdf" in shown
    assert f"(PDF, {len(PDF_BYTES)}\xa0byte)" in shown  # name, type and size
    assert reverse("recommendations:file_download", args=[stored.pk]) in shown
    assert "120 cán bộ cấp xã" in shown


def test_after_a_send_back_the_ministry_sees_the_latest_proposal(
    client, officer_qn, ministry_user, media
):
    recommendation = _put(QN, Status.IN_PROGRESS)
    client.force_login(officer_qn)
    assert (
        _propose(client, recommendation, **{"move-files": [_pdf("Lần một.pdf")]}).status_code == 302
    )
    recommendation.refresh_from_db()
    client.force_login(ministry_user)
    back = {
        "move-status": Status.IN_PROGRESS,
        "move-comment": "Chưa đủ căn cứ, đề nghị bổ sung biên bản.",
        "move-version": recommendation.version,
    }
    assert (
        client.post(reverse("recommendations:move", args=[recommendation.pk]), back).status_code
        == 302
    )
    recommendation.refresh_from_db()
    client.force_login(officer_qn)
    second = _propose(client, recommendation, **{"move-files": [_pdf("Lần hai.pdf")]})
    assert second.status_code == 302
    client.force_login(ministry_user)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    shown = page[page.index('id="evidence"') : page.index('id="actions"')]
    assert "Lần hai.pdf" in shown and "Lần một.pdf" not in shown
    assert "Lần một.pdf" in page  # still in the history


def test_officer_may_cite_a_document_instead_of_a_file(client, officer_qn):
    recommendation = _put(QN, Status.IN_PROGRESS)
    document = ReplyDocument.objects.create(number="45/QĐ-UBND")
    client.force_login(officer_qn)
    response = _propose(client, recommendation, **{"move-documents": [document.pk]})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.RESOLUTION_PROPOSED
    assert list(recommendation.history.last().documents.all()) == [document]


def test_an_officer_cannot_attach_evidence_to_another_provinces_recommendation(client, officer_qn):
    recommendation = _put(BN, Status.IN_PROGRESS)
    before = _state(recommendation)
    client.force_login(officer_qn)
    response = _propose(client, recommendation, **{"move-files": [_pdf()]})
    assert response.status_code == 403
    assert _state(recommendation) == before
    assert not DocumentFile.objects.exists()


# --- files are checked by their content --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", HTML_BYTES),
        ("anh.png", SVG_BYTES),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("bao-cao.html", HTML_BYTES),
        ("anh.pdf", PNG_BYTES),  # a real PNG whose name says PDF
        ("bao-cao.docx", PDF_BYTES),
    ],
)
def test_files_whose_content_is_not_what_is_allowed_or_named_are_refused(
    client, officer_qn, name, content
):
    recommendation = _put(QN, Status.IN_PROGRESS)
    before = _state(recommendation)
    client.force_login(officer_qn)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = _propose(client, recommendation, **{"move-files": [upload]})
    assert response.status_code == 200
    errors = response.context["failed_form"].errors["files"]
    assert any(name in message for message in errors)
    assert _state(recommendation) == before
    assert not DocumentFile.objects.exists()


def test_html_renamed_pdf_is_refused_with_a_vietnamese_message(client, officer_qn):
    recommendation = _put(QN, Status.IN_PROGRESS)
    client.force_login(officer_qn)
    upload = SimpleUploadedFile("bao-cao.pdf", HTML_BYTES, content_type="application/pdf")
    page = _propose(client, recommendation, **{"move-files": [upload]}).content.decode()
    assert "không phải tệp PDF, Word (DOCX), Excel (XLSX), JPEG hoặc PNG" in page


def test_allowed_kinds_pass_and_the_size_limit_is_a_setting():
    assert check_upload(_pdf()).content_type == "application/pdf"
    assert check_upload(_docx()).extensions == (".docx",)
    assert check_upload(SimpleUploadedFile("a.PNG", PNG_BYTES)).content_type == "image/png"
    with override_settings(DOCUMENT_MAX_UPLOAD_BYTES=10), pytest.raises(ValidationError) as refused:
        check_upload(_pdf())
    assert refused.value.code == "too_large"


def test_names_are_sanitised_but_keep_vietnamese_letters():
    assert sanitise_name("../../etc/Quyết định số 12.PDF") == "Quyết định số 12.pdf"
    assert sanitise_name("C:\\Users\\a\\Báo cáo<1>.docx") == "Báo cáo1.docx"
    # Decomposed input (Unikey "Unicode tổ hợp") is composed.
    assert sanitise_name("Bie\u0302n ba\u0309n.pdf") == "Biên bản.pdf"


# --- served only to signed-in readers, always as an attachment ----------------------------------


def _stored_file(ministry_user):
    document = document_create(
        by=ministry_user,
        number="1234/BKHCN-PC",
        issued_on=datetime.date(2025, 10, 15),
        summary="Hướng dẫn quỹ phát triển KH&CN",
        files=[_pdf("Công văn trả lời.pdf")],
    )
    return document.files.get()


def test_a_file_downloads_only_when_signed_in_and_always_as_an_attachment(
    client, ministry_user, plain_user
):
    stored = _stored_file(ministry_user)
    url = reverse("recommendations:file_download", args=[stored.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not hasattr(response, "streaming_content")

    client.force_login(plain_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''C%C3%B4ng%20v%C4%83n%20tr%E1%BA%A3%20l%E1%BB%9Di.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    # No public URL: the storage's own address is not routed.
    assert client.get(stored.file.url).status_code == 404


def test_only_ministry_staff_register_documents(client, officer_qn):
    with pytest.raises(PermissionDenied):
        document_create(by=officer_qn, number="1/UBND", files=[_pdf()])
    client.force_login(officer_qn)
    assert client.get(reverse("recommendations:document_new")).status_code == 403
    assert not ReplyDocument.objects.exists()


def test_staff_register_a_document_through_the_page(staff_client):
    response = staff_client.post(
        reverse("recommendations:document_new"),
        {
            "number": "1234/BKHCN-PC",
            "issued_on": "15/10/2025",
            "issuer": "Bộ Khoa học và Công nghệ",
            "signer": "Nguyễn Văn A",
            "signer_position": "Thứ trưởng",
            "summary": "Hướng dẫn sử dụng quỹ phát triển KH&CN",
            "files": [_pdf("Công văn.pdf"), _docx()],
        },
    )
    document = ReplyDocument.objects.get()
    assert response.status_code == 302
    assert document.issued_on == datetime.date(2025, 10, 15)
    assert not document.is_public
    assert sorted(document.files.values_list("name", flat=True)) == ["Báo cáo.docx", "Công văn.pdf"]
    page = staff_client.get(document.get_absolute_url()).content.decode()
    assert "Công văn.pdf" in page and "Thứ trưởng" in page


# --- no orphan files; replacing keeps the old one ------------------------------------------------


def test_deleting_a_recommendation_or_a_document_leaves_no_file(
    officer_qn, ministry_user, django_capture_on_commit_callbacks
):
    recommendation = _put(QN, Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_transition(
            recommendation=recommendation,
            to_status=Status.RESOLUTION_PROPOSED,
            by=officer_qn,
            comment="Xong.",
            files=[_pdf()],
        )
    evidence = recommendation.evidence_files.get().file.name
    stored = _stored_file(ministry_user)
    kept = stored.file.name
    assert default_storage.exists(evidence) and default_storage.exists(kept)
    with django_capture_on_commit_callbacks(execute=True):
        Recommendation.objects.get(pk=recommendation.pk).delete()
        stored.document.delete()
    assert not default_storage.exists(evidence)
    assert not default_storage.exists(kept)


def test_replacing_a_file_keeps_the_old_one_in_history(ministry_user):
    old = _stored_file(ministry_user)
    new = file_replace(old=old, by=ministry_user, upload=_pdf("Công văn (bản sửa).pdf"))
    old.refresh_from_db()
    assert old.superseded_by == new
    assert default_storage.exists(old.file.name) and default_storage.exists(new.file.name)


# --- the old reply number fields became documents ------------------------------------------------


def test_the_migration_turns_reply_numbers_into_documents():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("recommendations.migrations.0008_reply_reference_to_documents")
    Recommendation.objects.filter(key=QN).update(
        reply_reference="55/BKHCN-PC", reply_date=datetime.date(2025, 9, 1)
    )
    Recommendation.objects.filter(key=BN).update(
        reply_reference="55/BKHCN-PC", reply_date=datetime.date(2025, 9, 1)
    )
    migration.forwards(apps, None)
    document = ReplyDocument.objects.get(number="55/BKHCN-PC")
    assert document.issued_on == datetime.date(2025, 9, 1)
    assert set(document.recommendations.values_list("key", flat=True)) == {QN, BN}
    # The old columns keep their values: nothing lost.
    assert Recommendation.objects.get(key=QN).reply_reference == "55/BKHCN-PC"


def test_history_entries_without_evidence_stay_as_they_were():
    assert StatusChange.objects.filter(files__isnull=False).count() == 0
