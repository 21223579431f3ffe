from django.utils.translation import gettext as _
from import_export import fields as columns
from import_export import widgets

from surveys.models import Field, Finding, MinistryUnit, SourceReport, Visit
from tracker.resources import ProvinceWidget, TrackerResource

from .models import Authority, Recommendation, StatusChange
from .services import recommendation_register

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

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.file_name = kwargs.get("file_name") or ""

    def do_instance_save(self, instance, is_create):
        # Through the services, as every other path: a new recommendation is registered (as
        # "new", with the entry that opens its timeline); a changed one gets a new version, so
        # someone editing it at the same time is told it changed meanwhile.
        if is_create:
            recommendation_register(
                recommendation=instance,
                by=self.user,
                comment=_("Recorded by import of %(file)s.") % {"file": self.file_name},
            )
            return
        instance.version += 1
        super().do_instance_save(instance, is_create)
        StatusChange.objects.create(
            recommendation=instance,
            from_status=instance.status,
            to_status=instance.status,
            changed_by=self.user,
            comment=_("Content updated by import of %(file)s.") % {"file": self.file_name},
            responsible_unit_id=instance.responsible_unit_id,
            due_date=instance.due_date,
        )
