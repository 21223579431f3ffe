from django.utils.translation import gettext as _
from import_export import fields as columns
from import_export import widgets

from surveys.models import Field, Finding, MinistryUnit, SourceReport, Visit
from tracker.resources import ProvinceWidget, TrackerResource

from .models import Authority, Recommendation, Status, StatusChange

#: The workflow is exported but never imported here: status, triage and resolution change
#: through the lifecycle service (the pages, the admin, the visit-notes import).
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
    """Recommendations matched on their stable key. A plain import changes what was recommended
    (text, theme, fields, addressees, the obstacles it answers); new ones start as "new" with
    the entry that opens their timeline."""

    province_field = "province_id"

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
            "province",
            "visit",
            "text",
            "addressed_to",
            "theme",
            "fields",
            "obstacles",
            *WORKFLOW_FIELDS,
            "source",
        ]
        readonly_fields = WORKFLOW_FIELDS

    def get_queryset(self):
        return super().get_queryset().select_related("province", "visit", "responsible_unit")

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._imported_new = new
        super().after_init_instance(instance, new, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        # The entry recommendation_create writes: every timeline starts with it.
        if getattr(instance, "_imported_new", False):
            StatusChange.objects.create(
                recommendation=instance,
                from_status="",
                to_status=Status.NEW,
                changed_by=self.user,
                comment=_("Recorded by import of %(file)s.") % {"file": kwargs.get("file_name")},
            )
