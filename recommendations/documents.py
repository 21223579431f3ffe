"""Reply documents and evidence files: what a file is (decided by its content), how it is
stored (Django's storage API) and the services that write them.

Services here are keyword-only and named ``<entity>_<action>`` like those of ``services``:
``document_create``, ``document_attach_file``, ``evidence_attach_files``, ``file_replace``.
Files are never served from a public URL: ``views_documents.file_download`` checks the reader.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import access
from .models import DocumentFile, Recommendation, ReplyDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("application/pdf", (".pdf",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("image/png", (".png",))
ALLOWED_EXTENSIONS = ", ".join(
    ext for kind in (PDF, DOCX, XLSX, JPEG, PNG) for ext in kind.extensions
)


def max_upload_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def _sniff(head: bytes, upload) -> FileKind | None:
    """The kind the content says, from its first bytes (and, for zip, its member names)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
    return None


def sanitise_name(name: str) -> str:
    """A safe file name that keeps Vietnamese letters: no directories, no control or reserved
    characters, composed Unicode (Unikey's "tổ hợp" arrives decomposed), at most 150 chars."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r'[\x00-\x1f\x7f<>:"|?*;]', "", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem[: 150 - len(extension) - 1] or "tep"
    return f"{stem}.{extension.lower()}" if extension else stem


def check_upload(upload) -> FileKind:
    """The file's kind, or a ValidationError saying in Vietnamese why it is refused."""
    name = sanitise_name(getattr(upload, "name", ""))
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    kind = _sniff(head, upload)
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Word (DOCX), Excel (XLSX), JPEG or PNG file; web pages, "
                "SVG images and scripts are not accepted."
            )
            % {"name": name},
            code="bad_type",
        )
    extension = "." + name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in kind.extensions:
        raise ValidationError(
            _("The content of “%(name)s” is %(kind)s, which its name (%(extension)s) does not say.")
            % {"name": name, "kind": kind.extensions[0][1:].upper(), "extension": extension or "—"},
            code="extension_mismatch",
        )
    return kind


def _store(upload, *, by, document=None, recommendation=None) -> DocumentFile:
    kind = check_upload(upload)
    name = sanitise_name(upload.name)
    stored = DocumentFile(
        document=document,
        recommendation=recommendation,
        name=name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    upload.seek(0)
    stored.file.save(name, ContentFile(upload.read()), save=False)
    stored.save()
    return stored


def _check_staff(by) -> None:
    if by is not None and not access.is_ministry_staff(by):
        raise PermissionDenied(_("Only ministry staff record reply documents."))


def document_create(
    *,
    by,
    number: str,
    issued_on=None,
    issuer: str = "",
    signer: str = "",
    signer_position: str = "",
    summary: str = "",
    files=(),
    is_public: bool = False,
) -> ReplyDocument:
    """Record a reply document (ministry staff) with its files, each checked by its content."""
    _check_staff(by)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Give the document's number and symbol.")})
    for upload in files:
        check_upload(upload)
    with transaction.atomic():
        document = ReplyDocument(
            number=number,
            issued_on=issued_on,
            issuer=(issuer or "").strip(),
            signer=(signer or "").strip(),
            signer_position=(signer_position or "").strip(),
            summary=(summary or "").strip(),
            is_public=is_public,
            created_by=by,
        )
        document.full_clean()
        document.save()
        for upload in files:
            _store(upload, by=by, document=document)
    return document


def document_attach_file(*, document: ReplyDocument, by, upload) -> DocumentFile:
    """Add a file to a reply document (ministry staff)."""
    _check_staff(by)
    with transaction.atomic():
        return _store(upload, by=by, document=document)


def evidence_attach_files(*, recommendation: Recommendation, by, uploads) -> list[DocumentFile]:
    """Attach evidence files to a recommendation: whoever may change it (its province's
    officers, ministry staff). Call inside the transition's transaction to tie them to it."""
    if by is not None and not access.can_change(by, recommendation):
        raise PermissionDenied(_("You may not change this recommendation."))
    for upload in uploads:
        check_upload(upload)
    with transaction.atomic():
        return [_store(upload, by=by, recommendation=recommendation) for upload in uploads]


def file_replace(*, old: DocumentFile, by, upload) -> DocumentFile:
    """A new version of a file; the old one stays, marked replaced, for the history."""
    if old.document_id is not None:
        _check_staff(by)
    elif by is not None and not access.can_change(by, old.recommendation):
        raise PermissionDenied(_("You may not change this recommendation."))
    with transaction.atomic():
        new = _store(upload, by=by, document=old.document, recommendation=old.recommendation)
        DocumentFile.objects.filter(pk=old.pk).update(superseded_by=new)
    return new


def may_read_file(user, stored: DocumentFile) -> bool:
    """Everyone signed in may read recommendations, and so their evidence and documents."""
    if stored.recommendation_id is not None:
        return access.can_view(user, stored.recommendation)
    return access.can_view(user)


def describe(stored: DocumentFile) -> str:
    return f"{stored.name} ({stored.kind}, {filesizeformat(stored.size)})"


@receiver(post_delete, sender=DocumentFile)
def _delete_stored_file(sender, instance, **kwargs):
    """No orphan files: a file row deleted (with its document or recommendation, by cascade)
    takes its stored file with it – once the deletion is committed, so a rollback keeps it."""
    if instance.file and instance.file.name:
        storage, path = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(path))
