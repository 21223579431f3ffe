"""The visit-notes import in the admin: upload → preview → confirm, and the record of imports.

The preview is a dry run of ``imports.import_visit_notes``. A clean preview keeps the upload
privately, through Django's storage API (``default_storage``, so several app servers share
it), under ``imports/pending/<random id>``; the id is kept in the user's session, and the
confirm form carries only the id. Confirming looks the id up in *this user's* session: a
forged id, another user's, one already confirmed (a double click) or one whose file vanished is
a form error – no file is read or deleted on its behalf. A preview with errors keeps nothing;
one never confirmed is removed by ``manage.py purge_import_previews`` (run daily by the
scheduler, ``recommendations.tasks``).
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as columns
from import_export import resources
from import_export.results import Error, Result, RowResult

from provinces.roles import is_ministry_staff
from surveys.models import Finding, ImportBatch, Visit
from tracker.admin import (
    PENDING_DIR,
    PREVIEW_REFUSED,
    ReadOnlyAdminMixin,
    TrackerImportMixin,
    UploadForm,
)
from tracker.import_formats import XLSX
from tracker.spreadsheets import SpreadsheetError

from . import imports
from .models import Recommendation

#: The session key naming this user's pending visit-notes previews (kept in ``PENDING_DIR``).
SESSION_KEY = "visit_notes_previews"


class VisitNotesResource(resources.Resource):
    """Labels the page the way django-import-export's admin expects; the engine
    (``recommendations.imports``) validates and writes."""

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Visit notes")

    def get_user_visible_fields(self):
        return [columns.Field(column_name=column.header) for column in imports.COLUMNS]


def report_as_result(report: imports.Report) -> Result:
    """The engine's report in django-import-export's terms, for its admin templates."""
    result = Result()
    result.report = report
    headers = [column.header for column in imports.COLUMNS]
    result.diff_headers = headers
    result.total_rows = len(report.rows)
    for message in report.file_errors:
        result.append_base_error(Error(ValueError(message)))
    for row in report.rows:
        values = {
            column.header: imports.display_value(row.values.get(column.name))
            for column in imports.COLUMNS
        }
        if row.errors:
            by_column = {}
            for error in row.errors:
                by_column.setdefault(error.column or "__all__", []).append(error.message)
            result.append_invalid_row(row.line, values, forms.ValidationError(by_column))
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            continue
        row_result = RowResult()
        row_result.import_type = row.action
        row_result.number = row.line
        row_result.diff = [values[header] for header in headers]
        result.append_row_result(row_result)
        result.increment_row_result_total(row_result)
    return result


class VisitNotesUploadForm(UploadForm):
    """The upload, without a format to choose: the format follows the file's extension."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields.pop("format", None)
        self.fields.pop("resource", None)


class ConfirmForm(forms.Form):
    """Only the preview's id; what it names is looked up in the user's session."""

    preview = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- pending previews ------------------------------------------------------------------------


def _pending(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def keep_preview(request, *, content: bytes, file_name: str) -> str:
    """Store a clean preview's file for this user; returns the id the confirm form carries."""
    token = uuid.uuid4().hex
    stored = default_storage.save(f"{PENDING_DIR}/{token}", ContentFile(content))
    pending = _pending(request)
    pending[token] = {"path": stored, "name": file_name, "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = pending
    return token


def take_preview(request, token: str) -> tuple[str, bytes] | None:
    """The file name and content of this user's pending preview ``token``, removed from the
    session and the storage; None when the session names no such preview or its file is gone.
    Taking it first makes a second click find nothing."""
    pending = _pending(request)
    entry = pending.pop(token, None) if isinstance(token, str) else None
    if entry is None:
        return None
    request.session[SESSION_KEY] = pending
    stored = entry["path"]
    try:
        with default_storage.open(stored, "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return None
    default_storage.delete(stored)
    return entry["name"], content


def purge_previews(*, older_than) -> int:
    """Delete pending previews stored before ``older_than``; returns how many."""
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, OSError):
        return 0
    removed = 0
    for name in files:
        stored = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(stored) < older_than:
                default_storage.delete(stored)
                removed += 1
        except (FileNotFoundError, OSError):
            continue
    return removed


# --- the admin ------------------------------------------------------------------------------


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, TrackerImportMixin, admin.ModelAdmin):
    """The visit-notes import (upload → preview → confirm) and the record of every import.

    Batches are written by the import only; each links to the rows it created or changed.
    """

    resource_classes = [VisitNotesResource]
    import_form_class = VisitNotesUploadForm
    import_template_name = "admin/surveys/importbatch/import.html"
    skip_admin_log = True  # the batch is the record
    list_display = [
        "started_at",
        "file_name",
        "user",
        "dry_run",
        "rows",
        "created",
        "updated",
        "unchanged",
        "written_rows",
    ]
    list_display_links = ["started_at", "file_name"]
    list_filter = ["via", "dry_run", "file_format", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["file_name", "user__username"]
    date_hierarchy = "started_at"

    def has_import_permission(self, request):
        return imports.can_import(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.has_import_permission(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.has_import_permission(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not is_ministry_staff(request.user):
            # A provincial officer who may import sees their own imports.
            queryset = queryset.filter(user=request.user)
        return queryset

    @admin.display(description=gettext_lazy("rows written"))
    def written_rows(self, batch):
        links = [
            (Visit, gettext_lazy("visits")),
            (Finding, gettext_lazy("findings")),
            (Recommendation, gettext_lazy("recommendations")),
        ]
        return format_html_join(
            " · ",
            '<a href="{}?import_batch__id__exact={}">{}</a>',
            (
                (
                    reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"),
                    batch.pk,
                    label,
                )
                for m, label in links
            ),
        )

    def get_urls(self):
        return [
            path(
                "template.<str:extension>",
                self.admin_site.admin_view(self.template_view),
                name="surveys_importbatch_template",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request, extension):
        """The visit-notes template: the columns and one example row of each kind."""
        if not self.has_import_permission(request) or extension not in ("csv", "xlsx"):
            raise Http404
        content = imports.template_file(extension)
        content_type = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX.CONTENT_TYPE}[extension]
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="mau-ghi-chep.{extension}"'
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["columns"] = imports.COLUMNS
        context["max_rows"] = settings.IMPORT_MAX_ROWS
        return context

    # --- upload and preview -----------------------------------------------------------------

    def _page(self, request, *, form, result=None, confirm_form=None):
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Import"),
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "fields_list": [
                (
                    VisitNotesResource.get_display_name(),
                    [f.column_name for f in VisitNotesResource().get_user_visible_fields()],
                )
            ],
            "import_error_display": self.import_error_display,
        }
        if result is not None:
            context["result"] = result
        if confirm_form is not None:
            context["confirm_form"] = confirm_form
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def _blank_form(self, request):
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        # An empty upload form that can still carry an error about the confirm step.
        form.cleaned_data, form._errors = {}, ErrorDict()
        return form

    def _read(self, form, *, content: bytes, file_name: str):
        """The file as a table, or None with the reason on the form."""
        try:
            return imports.read_table(content=content, file_name=file_name)
        except SpreadsheetError as error:
            form.add_error("import_file", str(error))
        return None

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self._page(request, form=form)
        upload = form.cleaned_data["import_file"]
        content = b"".join(upload.chunks())
        table = self._read(form, content=content, file_name=upload.name)
        if table is None:
            return self._page(request, form=form)
        report = imports.import_visit_notes(
            table=table, user=request.user, file_name=upload.name, dry_run=True
        )
        confirm_form = None
        if report.ok:
            # Only a clean preview is kept: a failed one leaves nothing behind.
            token = keep_preview(request, content=content, file_name=upload.name)
            confirm_form = ConfirmForm(initial={"preview": token})
        return self._page(
            request, form=form, result=report_as_result(report), confirm_form=confirm_form
        )

    # --- confirm ----------------------------------------------------------------------------

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:surveys_importbatch_import"))
        confirm_form = ConfirmForm(request.POST)
        form = self._blank_form(request)
        taken = take_preview(request, confirm_form.data.get("preview", ""))
        if not confirm_form.is_valid() or taken is None:
            form.add_error(None, PREVIEW_REFUSED)
            return self._page(request, form=form)
        file_name, content = taken
        table = self._read(form, content=content, file_name=file_name)
        if table is None:
            return self._page(request, form=form)
        report = imports.import_visit_notes(
            table=table, user=request.user, file_name=file_name, dry_run=False
        )
        if not report.written:
            # The data changed between the preview and the confirmation: show what is wrong
            # now; nothing was written.
            return self._page(request, form=form, result=report_as_result(report))
        messages.success(request, report.summary())
        return HttpResponseRedirect(reverse("admin:surveys_importbatch_changelist"))
