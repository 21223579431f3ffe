"""The visit-notes format going out: the admin's export of visits, findings and recommendations
writes the very columns the import reads, so a file exported and imported back changes nothing
(tested for each model, CSV and XLSX).

Values are written the way the import resolves them: the province by name, the campaign by
slug, the delegation by number, fields, addressees and the unit by name, the theme, kind,
qualifier and status by their Vietnamese label, dates as dd/mm/yyyy. A row needs a visit (the
format has no other way to say where and when it was noted); a nationwide finding has none and
cannot be expressed – it is written with its province blank and the import would refuse it.
"""

import tablib
from django.utils import translation
from django.utils.translation import gettext_lazy
from import_export import fields as columns
from import_export import resources

from surveys.models import Finding, Visit

from ..models import Recommendation
from .columns import COLUMNS

KIND_LABELS = {
    Finding.Kind.OBSTACLE: "khó khăn",
    Finding.Kind.ACHIEVEMENT: "kết quả",
}


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _visit_cells(visit: Visit | None) -> dict:
    if visit is None:
        return {}
    dates = _date(visit.start_date)
    if visit.end_date and visit.end_date != visit.start_date:
        dates = f"{dates} - {_date(visit.end_date)}"
    return {
        "survey": visit.survey.slug,
        "delegation": str(visit.delegation.number) if visit.delegation else "",
        "visit_date": dates,
    }


def finding_cells(finding: Finding) -> dict:
    value = finding.figure_value
    return {
        **_visit_cells(finding.visit),
        "key": finding.key or "",
        "province": finding.province.name if finding.province else "",
        "kind": KIND_LABELS[finding.kind],
        "fields": "; ".join(field.name for field in finding.fields.all()),
        "theme": str(finding.get_theme_display()) if finding.theme else "",
        "text": finding.description,
        "figure_label": finding.figure_label,
        "figure_qualifier": str(finding.get_figure_qualifier_display())
        if value is not None
        else "",
        "figure_value": "" if value is None else format(value.normalize(), "f"),
        "figure_unit": finding.figure_unit,
    }


def recommendation_cells(recommendation: Recommendation) -> dict:
    return {
        **_visit_cells(recommendation.visit),
        "key": recommendation.key or "",
        "province": recommendation.province.name,
        "kind": "kiến nghị",
        "fields": "; ".join(field.name for field in recommendation.fields.all()),
        "theme": str(recommendation.get_theme_display()) if recommendation.theme else "",
        "text": recommendation.text,
        "addressed_to": "; ".join(a.name for a in recommendation.addressed_to.all()),
        "responsible_unit": recommendation.responsible_unit.name
        if recommendation.responsible_unit
        else "",
        "due_date": _date(recommendation.due_date),
        "status": str(recommendation.get_status_display()),
    }


def rows_for(queryset) -> list[dict]:
    """The visit-notes rows of a queryset of visits, findings or recommendations."""
    findings = Finding.objects.none()
    recommendations = Recommendation.objects.none()
    if queryset.model is Visit:
        findings = Finding.objects.filter(visit__in=queryset)
        recommendations = Recommendation.objects.filter(visit__in=queryset)
    elif queryset.model is Finding:
        findings = queryset
    else:
        recommendations = queryset
    findings = findings.select_related(
        "province", "visit__survey", "visit__delegation"
    ).prefetch_related("fields")
    recommendations = recommendations.select_related(
        "province", "visit__survey", "visit__delegation", "responsible_unit"
    ).prefetch_related("fields", "addressed_to")
    with translation.override("vi"):
        rows = [finding_cells(finding) for finding in findings.order_by("pk")]
        rows += [recommendation_cells(item) for item in recommendations.order_by("pk")]
    return rows


class VisitNotesExportResource(resources.Resource):
    """The admin's export of visits, findings and recommendations, in the visit-notes format.
    Every column is written whatever the form selects: the file is meant to be imported."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for column in COLUMNS:
            self.fields[column.name] = columns.Field(
                attribute=column.name, column_name=column.header
            )

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Visit notes (can be imported again)")

    def export(self, queryset=None, **kwargs):
        dataset = tablib.Dataset(headers=[column.header for column in COLUMNS])
        for cells in rows_for(queryset):
            dataset.append([cells.get(column.name, "") for column in COLUMNS])
        return dataset
