"""django-import-export resources: what every resource of the tracker shares, and provinces.

Per-model import is for reference data only (provinces, delegations), and only admins and
ministry staff import it; the rows of the workflow (visits, findings, recommendations) enter
through the visit-notes import (``recommendations.imports``) and their resources only export.
Imports are validated like the admin form (``clean_model_instances``), skip unchanged rows (so
importing a file twice changes nothing) and never touch the generated ``search_*`` columns.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from import_export import fields as columns
from import_export import resources, widgets

from tracker.import_formats import unescape_formula

from .models import Province
from .roles import is_ministry_staff


class ProvinceWidget(widgets.ForeignKeyWidget):
    """A province by code or by any name ``Province.objects.resolve`` accepts; exported as its
    code."""

    def __init__(self, **kwargs):
        super().__init__(Province, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        province = Province.objects.resolve(text)
        if province is None:
            raise ValueError(_("Unknown province “%(value)s”.") % {"value": text})
        return province


class TrackerResource(resources.ModelResource):
    #: Only admins and ministry staff may import this model (reference data).
    ministry_only = True
    #: Who imports (set by ``before_import``); None is the system (a management command).
    user = None

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        if self.user is not None and self.ministry_only and not is_ministry_staff(self.user):
            raise PermissionDenied(_("Only ministry staff import this data."))
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # A cell the tracker's export guarded against formulas ("'=…") imports as it was.
        for name, value in list(row.items()):
            row[name] = unescape_formula(value)
        super().before_import_row(row, **kwargs)


class ProvinceResource(TrackerResource):
    """The 34 provinces, matched on their administrative code."""

    code = columns.Field(attribute="code", column_name="code")

    class Meta(TrackerResource.Meta):
        model = Province
        import_id_fields = ["code"]
        fields = ["code", "name", "slug", "kind", "wards", "communes", "special_zones"]
