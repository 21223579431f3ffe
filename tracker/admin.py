import os

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin, ImportMixin
from import_export.forms import ImportForm
from import_export.tmp_storages import MediaStorage

from tracker import import_formats
from tracker.spreadsheets import SpreadsheetError
from tracker.text import bounded_search_term

#: Where uploads wait between an import's preview and its confirmation (``default_storage``),
#: and the session key listing this user's pending reference-data previews.
PENDING_DIR = "imports/pending"
PENDING_SESSION_KEY = "pending_imports"
PREVIEW_REFUSED = _(
    "This preview cannot be confirmed: it was already imported, has expired or is not yours. "
    "Upload the file again."
)


class ReadOnlyAdminMixin:
    """For records written by the application only (history, import batches): listed and
    readable in the admin, never added, edited or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FoldedSearchMixin:
    """Admin search that ignores diacritics and case.

    List the generated ``search_*`` columns with an explicit ``__contains`` lookup in
    ``search_fields``; the term is folded the same way before Django's admin splits it into
    words, so "thanh hoa" finds "Thanh Hóa" and "DAO TAO" finds "đào tạo". Autocomplete
    widgets go through the same method. The term is bounded too (at most 10 words and 200
    characters; ``tracker.middleware.CleanTextMiddleware`` has already cut it and said so).
    """

    def get_search_results(self, request, queryset, search_term):
        term, _cut = bounded_search_term(search_term)
        return super().get_search_results(request, queryset, term)


class UploadForm(ImportForm):
    """django-import-export's upload form, with the limits a civil servant is told about:
    CSV or XLSX only, at most ``IMPORT_MAX_UPLOAD_BYTES``, the format matching the file."""

    EXTENSIONS = {".csv": import_formats.CSV, ".xlsx": import_formats.XLSX}

    def __init__(self, formats, resources, **kwargs):
        self.format_classes = formats
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].help_text = _(
            "A .csv (UTF-8, comma or semicolon) or .xlsx file of at most %(size)s."
        ) % {"size": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        extension = os.path.splitext(upload.name)[1].lower()
        if extension not in self.EXTENSIONS:
            raise forms.ValidationError(
                _("“%(name)s” is not a CSV or XLSX file. Save the sheet as .xlsx or .csv."),
                code="file_type",
                params={"name": upload.name},
            )
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; files of at most %(limit)s can be imported."),
                code="file_size",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES),
                },
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is not None and chosen not in (None, ""):
            extension = os.path.splitext(upload.name)[1].lower()
            # A subclass (a format that knows its header row) matches its base's extension.
            if not issubclass(self.format_classes[int(chosen)], self.EXTENSIONS.get(extension)):
                self.add_error(
                    "format", _("The format chosen does not match the file's extension.")
                )
        return cleaned


class TrackerImportMixin(ImportMixin):
    """django-import-export's import on a ModelAdmin, as the tracker uses it: CSV and XLSX read
    by ``tracker.import_formats``, the upload limits of :class:`UploadForm`, readable messages
    when a file cannot be read, and all or nothing at confirm."""

    formats = import_formats.FORMATS
    import_form_class = UploadForm

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                _("The file cannot be read. Check that it is a real CSV or XLSX file."),
            )

    def get_import_data_kwargs(self, **kwargs):
        # A row that fails validation at confirm (data changed since the preview) rolls back
        # the whole import, as the preview promised.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    # The pending upload between preview and confirm: kept through Django's storage API (so
    # several app servers share it) under a random name, which this user's session lists. The
    # confirm form's hidden name is only trusted when the session lists it; a preview with
    # errors is removed at once, one never confirmed by ``purge_import_previews``.

    tmp_storage_class = MediaStorage

    def get_tmp_storage_class_kwargs(self):
        return {**super().get_tmp_storage_class_kwargs(), "MEDIA_FOLDER": PENDING_DIR}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = getattr(form, "cleaned_data", {}).get("import_file") if form else None
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            if context.get("confirm_form") is not None:
                pending = request.session.get(PENDING_SESSION_KEY, [])
                request.session[PENDING_SESSION_KEY] = [*pending, name]
            else:
                self._pending_storage(name).remove()  # a failed preview keeps nothing
        return response

    def _pending_storage(self, name):
        return self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        chosen = request.POST.get("format", "")
        pending = request.session.get(PENDING_SESSION_KEY, [])
        valid_format = chosen.isdigit() and int(chosen) < len(self.get_import_formats())
        if request.method == "POST" and name in pending and valid_format:
            # Taken first: a double click finds nothing left to confirm.
            pending.remove(name)
            request.session[PENDING_SESSION_KEY] = pending
            try:
                return super().process_import(request, **kwargs)
            except FileNotFoundError:
                pass  # the preview vanished (purged): as if it had never been
        form = self.create_import_form(request)
        form.cleaned_data, form._errors = {}, ErrorDict()
        form.add_error(None, PREVIEW_REFUSED)
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, [self.import_template_name], context)


class TrackerExportMixin(ExportMixin):
    """Export (CSV with the BOM Excel needs to read UTF-8, XLSX, formulas escaped) on a
    ModelAdmin, plus an "import batch" filter on models that record the batch that last wrote
    them."""

    formats = import_formats.FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        if isinstance(file_format, import_formats.CSV):
            # The same BOM the list's export writes: without it Excel reads UTF-8 as ANSI.
            return "\ufeff".encode() + data if isinstance(data, bytes) else "\ufeff" + data
        return data

    def get_list_filter(self, request):
        list_filter = list(super().get_list_filter(request))
        if any(f.name == "import_batch" for f in self.model._meta.get_fields()):
            list_filter.append("import_batch")
        return list_filter


class TrackerImportExportMixin(TrackerImportMixin, TrackerExportMixin, ImportExportMixin):
    """Import (as above) and export (as ``TrackerExportMixin``): reference data only – rows of
    the workflow enter through the visit-notes import."""
