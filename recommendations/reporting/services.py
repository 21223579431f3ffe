"""The writes of reporting: asking for a report and building it (keyword-only, as every
service of the tracker). A report's files go to the default storage (private: they are served
only by ``views.report_download``, which checks the reader)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from .asof import Scope, figures_as_of
from .docx import build_docx
from .models import Report
from .sheets import build_csv_zip, build_xlsx
from .tables import build_tables


def scope_of(report: Report) -> Scope:
    filters = report.filters or {}
    return Scope(
        as_of=report.as_of,
        date_from=report.date_from,
        survey_id=filters.get("survey"),
        province_ids=tuple(filters.get("provinces", ())),
        unit_ids=tuple(filters.get("units", ())),
        field_ids=tuple(filters.get("fields", ())),
    )


def report_request(
    *,
    by,
    as_of: datetime.date,
    date_from: datetime.date,
    filters: dict | None = None,
    description: str = "",
    kind: str = Report.Kind.ON_REQUEST,
) -> Report:
    """Record that ``by`` asked for a report; the task builds it (``tasks.build_report``)."""
    return Report.objects.create(
        kind=kind,
        requested_by=by,
        as_of=as_of,
        date_from=date_from,
        filters={key: value for key, value in (filters or {}).items() if value},
        description=description[:500],
    )


def build_files(
    scope: Scope, *, issued: datetime.date, progress=None, formats=("docx", "xlsx", "csv")
) -> dict[str, bytes]:
    """The report's files for ``scope`` (those in ``formats``); ``progress(percent)`` between
    steps."""
    step = progress or (lambda percent: None)
    figures = figures_as_of(scope)
    step(40)
    tables = build_tables(figures)
    step(55)
    files = {}
    if "docx" in formats:
        files["docx"] = build_docx(figures, tables, issued=issued)
        step(80)
    if "xlsx" in formats:
        files["xlsx"] = build_xlsx(tables)
        step(95)
    if "csv" in formats:
        files["csv"] = build_csv_zip(tables)
    return files


def report_build(*, report: Report) -> Report:
    """Build ``report``'s files and store them, saying how far it got on the way."""

    def progress(percent):
        Report.objects.filter(pk=report.pk).update(progress=percent)

    Report.objects.filter(pk=report.pk).update(state=Report.State.RUNNING, progress=5)
    try:
        files = build_files(scope_of(report), issued=timezone.localdate(), progress=progress)
    except Exception as error:  # recorded for the page, then raised for the worker's log
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    report.refresh_from_db()
    stem = f"bao-cao-{report.as_of:%Y%m%d}-{report.pk}"
    report.docx.save(f"{stem}.docx", ContentFile(files["docx"]), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(files["xlsx"]), save=False)
    report.csv.save(f"{stem}-csv.zip", ContentFile(files["csv"]), save=False)
    report.state, report.progress, report.finished_at = Report.State.DONE, 100, timezone.now()
    report.save()
    return report
