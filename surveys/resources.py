"""Import and export of surveys' models (django-import-export), and the visit-notes import's
adapter to the admin's upload → preview → confirm flow."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields as columns
from import_export import resources, widgets
from import_export.results import Error, Result, RowResult

from tracker.resources import ProvinceWidget, TrackerResource

from . import visit_notes
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

    ministry_only = True
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
    """Visits, matched on their stable key."""

    province_field = "province_id"
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
    """Obstacles and achievements, matched on their stable key."""

    province_field = "province_id"
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


class VisitNotesResource(resources.Resource):
    """The visit-notes format (one row per obstacle, achievement or recommendation), run by
    ``surveys.visit_notes`` and reported the way django-import-export's admin shows results:
    errors per row and column, or a preview of what is new, updated and unchanged."""

    class Meta:
        # Not a model resource: the engine validates and writes; these only label the page.
        pass

    @classmethod
    def get_display_name(cls):
        return _("Visit notes")

    def get_user_visible_fields(self):
        return [columns.Field(column_name=column.header) for column in visit_notes.COLUMNS]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        report = visit_notes.import_visit_notes(
            dataset,
            user=kwargs.get("user"),
            file_name=kwargs.get("file_name") or "",
            dry_run=dry_run,
        )
        return report_as_result(report)


def report_as_result(report: visit_notes.Report) -> Result:
    """The engine's report in django-import-export's terms, for its admin templates."""
    result = Result()
    result.report = report
    headers = [column.header for column in visit_notes.COLUMNS]
    result.diff_headers = headers
    result.total_rows = len(report.rows)
    for message in report.file_errors:
        result.append_base_error(Error(ValueError(message)))
    for row in report.rows:
        values = {
            column.header: visit_notes.display_value(row.values.get(column.name))
            for column in visit_notes.COLUMNS
        }
        if row.errors:
            by_column = {}
            for error in row.errors:
                by_column.setdefault(error.column or "__all__", []).append(error.message)
            result.append_invalid_row(row.line, values, ValidationError(by_column))
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            continue
        row_result = RowResult()
        row_result.import_type = row.action
        row_result.number = row.line
        row_result.diff = [values[header] for header in headers]
        result.append_row_result(row_result)
        result.increment_row_result_total(row_result)
    return result
