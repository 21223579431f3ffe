"""Import and export of surveys' models (django-import-export). Delegations are reference
data and import here; visits and findings only export (they enter through the visit-notes
import, ``recommendations.imports``)."""

from import_export import fields as columns
from import_export import widgets

from provinces.resources import ProvinceWidget, TrackerResource

from .models import Delegation, Field, Finding, MinistryUnit, SourceReport, Survey, Visit


class DelegationWidget(widgets.ForeignKeyWidget):
    """A delegation by its number within the row's campaign."""

    def __init__(self, **kwargs):
        super().__init__(Delegation, field="number", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return Delegation.objects.filter(survey__slug=row.get("survey"))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.number)


def _survey():
    return columns.Field(
        attribute="survey", column_name="survey", widget=widgets.ForeignKeyWidget(Survey, "slug")
    )


def _source():
    return columns.Field(
        attribute="source",
        column_name="source",
        widget=widgets.ForeignKeyWidget(SourceReport, "file_name"),
    )


class DelegationResource(TrackerResource):
    """Delegations, matched on campaign slug + number."""

    survey = _survey()
    source = _source()
    home_unit = columns.Field(
        attribute="home_unit",
        column_name="home_unit",
        widget=widgets.ForeignKeyWidget(MinistryUnit, "name"),
    )

    class Meta(TrackerResource.Meta):
        model = Delegation
        import_id_fields = ["survey", "number"]
        fields = ["survey", "number", "head_name", "head_title", "home_unit", "notes", "source"]


class VisitResource(TrackerResource):
    """Visits, by their stable key (export only)."""

    survey = _survey()
    source = _source()
    delegation = columns.Field(
        attribute="delegation", column_name="delegation", widget=DelegationWidget()
    )
    province = columns.Field(attribute="province", column_name="province", widget=ProvinceWidget())

    class Meta(TrackerResource.Meta):
        model = Visit
        import_id_fields = ["key"]
        fields = [
            "key",
            "survey",
            "delegation",
            "province",
            "start_date",
            "end_date",
            "places",
            "notes",
            "recommendations_reported",
            "source",
        ]


class FindingResource(TrackerResource):
    """Obstacles and achievements, by their stable key (export only)."""

    survey = _survey()
    source = _source()
    province = columns.Field(attribute="province", column_name="province", widget=ProvinceWidget())
    visit = columns.Field(
        attribute="visit", column_name="visit", widget=widgets.ForeignKeyWidget(Visit, "key")
    )
    fields = columns.Field(
        attribute="fields",
        column_name="fields",
        widget=widgets.ManyToManyWidget(Field, field="code"),
    )

    class Meta(TrackerResource.Meta):
        model = Finding
        import_id_fields = ["key"]
        fields = [
            "key",
            "kind",
            "survey",
            "visit",
            "province",
            "theme",
            "fields",
            "description",
            "figure_label",
            "figure_qualifier",
            "figure_value",
            "figure_unit",
            "source",
        ]
