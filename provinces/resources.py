from import_export import fields as columns

from tracker.resources import TrackerResource

from .models import Province


class ProvinceResource(TrackerResource):
    """The 34 provinces, matched on their administrative code."""

    ministry_only = True
    code = columns.Field(attribute="code", column_name="code")

    class Meta(TrackerResource.Meta):
        model = Province
        import_id_fields = ["code"]
        fields = ["code", "name", "slug", "kind", "wards", "communes", "special_zones"]
