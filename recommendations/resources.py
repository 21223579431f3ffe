from import_export import fields as columns
from import_export import widgets

from provinces.resources import ProvinceWidget, TrackerResource
from surveys.models import Field, Finding, MinistryUnit, SourceReport, Visit

from .models import RECOMMENDED_FIELDS, Authority, Recommendation

#: The workflow's fields, exported for reading. Nothing imports this resource: recommendations
#: enter through the visit-notes import, whose format has no priority nor version column.
WORKFLOW_FIELDS = [
    "responsible_unit",
    "priority",
    "due_date",
    "status",
    "resolution_note",
    "reply_reference",
    "reply_date",
    "version",
]


class RecommendationResource(TrackerResource):
    """Recommendations by their stable key, with their workflow (export only)."""

    province = columns.Field(attribute="province", column_name="province", widget=ProvinceWidget())
    visit = columns.Field(
        attribute="visit", column_name="visit", widget=widgets.ForeignKeyWidget(Visit, "key")
    )
    addressed_to = columns.Field(
        attribute="addressed_to",
        column_name="addressed_to",
        widget=widgets.ManyToManyWidget(Authority, field="code"),
    )
    fields = columns.Field(
        attribute="fields",
        column_name="fields",
        widget=widgets.ManyToManyWidget(Field, field="code"),
    )
    obstacles = columns.Field(
        attribute="obstacles",
        column_name="obstacles",
        widget=widgets.ManyToManyWidget(Finding, field="key"),
    )
    source = columns.Field(
        attribute="source",
        column_name="source",
        widget=widgets.ForeignKeyWidget(SourceReport, "file_name"),
    )
    responsible_unit = columns.Field(
        attribute="responsible_unit",
        column_name="responsible_unit",
        widget=widgets.ForeignKeyWidget(MinistryUnit, "name"),
        readonly=True,
    )
    status = columns.Field(attribute="status", column_name="status", readonly=True)

    class Meta(TrackerResource.Meta):
        model = Recommendation
        import_id_fields = ["key"]
        fields = [
            "key",
            *RECOMMENDED_FIELDS,
            *WORKFLOW_FIELDS,
            "source",
        ]

    def get_queryset(self):
        return super().get_queryset().select_related("province", "visit", "responsible_unit")
