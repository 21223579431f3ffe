"""What every django-import-export resource of the tracker shares: who imports, and where.

- The user is the one the admin (or a command) passes to ``import_data``.
- Reference data (provinces, delegations) is the ministry's: only admins and ministry staff
  import it.
- Rows that belong to a province (visits, findings, recommendations): a provincial officer may
  import only rows of their own province, and may not move a row out of another one. One
  foreign row makes the whole file invalid (rows are validated before anything is kept, and the
  admin imports with ``rollback_on_validation_errors``).
- Imports are validated like the admin form (``clean_model_instances``), skip unchanged rows
  (so importing a file twice changes nothing) and never touch the generated ``search_*``
  columns.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from import_export import resources, widgets

from provinces.models import Province
from recommendations import access


class ProvinceWidget(widgets.ForeignKeyWidget):
    """A province by code or by any name ``Province.objects.matching_name`` accepts; exported
    as its code."""

    def __init__(self, **kwargs):
        super().__init__(Province, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if text.isdigit():
            province = Province.objects.filter(code=text.zfill(2)).first()
        else:
            province = Province.objects.matching_name(text).first()
        if province is None:
            raise ValueError(_("Unknown province “%(value)s”.") % {"value": text})
        return province


class TrackerResource(resources.ModelResource):
    #: Only admins and ministry staff may import this model (reference data).
    ministry_only = False
    #: The field holding the province a row belongs to, for the officer rule.
    province_field = None
    #: Who imports (set by ``before_import``); None is the system (a management command).
    user = None

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        if self.user is not None and self.ministry_only and not access.is_ministry_staff(self.user):
            raise PermissionDenied(_("Only ministry staff import this data."))
        super().before_import(dataset, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        if self.province_field:
            instance._province_before = None if new else getattr(instance, self.province_field)
        super().after_init_instance(instance, new, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        province_id = access.officer_province_id(self.user) if self.user else None
        if self.province_field and province_id is not None:
            before = getattr(instance, "_province_before", None)
            after = getattr(instance, self.province_field)
            if after != province_id or (before is not None and before != province_id):
                name = self.province_field.removesuffix("_id")
                errors.setdefault(name, []).append(
                    _("You may import only rows of %(province)s.")
                    % {"province": Province.objects.get(pk=province_id)}
                )
        super().validate_instance(instance, errors or None, validate_unique)
