import os

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin, ImportMixin
from import_export.forms import ImportForm

from tracker import import_formats
from tracker.text import bounded_search_term


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
            if self.format_classes[int(chosen)] is not self.EXTENSIONS.get(extension):
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
        if isinstance(e, import_formats.FileTooLarge):
            message = _("The file has more than %(limit)s rows; split it and import each part.")
            form.add_error("import_file", message % {"limit": settings.IMPORT_MAX_ROWS})
        elif isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                _("The file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving."),
            )
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


class TrackerImportExportMixin(TrackerImportMixin, ImportExportMixin):
    """Import (as above) and export (CSV, XLSX, formulas escaped) on a ModelAdmin, plus an
    "import batch" filter on models that record the batch that last wrote them."""

    def get_list_filter(self, request):
        list_filter = list(super().get_list_filter(request))
        if any(f.name == "import_batch" for f in self.model._meta.get_fields()):
            list_filter.append("import_batch")
        return list_filter
