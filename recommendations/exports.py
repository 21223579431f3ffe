"""The triage list as a file: CSV (UTF-8 with a BOM, so Excel reads the diacritics) and XLSX.

One column list serves both formats. Headers and values are always Vietnamese, whatever the
language of the page the export was asked from: the files circulate inside the ministry.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Recommendation

EXPORT_LANGUAGE = "vi"
#: Rows fetched (and their many-to-many values prefetched) per round trip.
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Recommendation], object]
    width: int = 18


def _names(related) -> str:
    return "; ".join(str(item) for item in related.all())


def columns(build_url: Callable[[str], str]) -> list[Column]:
    return [
        Column(_("No."), lambda r: r.pk, 8),
        Column(pgettext_lazy("province or city", "Province"), lambda r: r.province.name, 16),
        Column(_("Recommendation"), lambda r: r.text, 80),
        Column(_("Theme"), lambda r: r.get_theme_display(), 22),
        Column(_("Fields"), lambda r: _names(r.fields), 30),
        Column(_("Addressed to"), lambda r: _names(r.addressed_to), 24),
        Column(
            _("Delegation"),
            lambda r: str(r.visit.delegation) if r.visit and r.visit.delegation else "",
            24,
        ),
        Column(_("Responsible unit"), lambda r: str(r.responsible_unit or ""), 28),
        Column(_("Priority"), lambda r: r.get_priority_display(), 12),
        Column(_("Due date"), lambda r: r.due_date, 12),
        Column(_("Status"), lambda r: r.get_status_display(), 24),
        Column(_("Overdue"), lambda r: _("yes") if r.is_overdue else "", 10),
        Column(_("Created"), lambda r: timezone.localtime(r.created_at).date(), 12),
        Column(_("Last updated"), lambda r: timezone.localtime(r.updated_at), 17),
        Column(_("Link"), lambda r: build_url(r.get_absolute_url()), 40),
    ]


def export_queryset(queryset):
    """The rows exactly as filtered, with everything a row shows fetched alongside."""
    return queryset.select_related(
        "province", "responsible_unit", "visit__delegation"
    ).prefetch_related("fields", "addressed_to")


def _rows(queryset, cols: list[Column]) -> Iterator[list]:
    for recommendation in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(recommendation) for column in cols]


# A cell starting with one of these is run as a formula by spreadsheet programs; a text that
# begins with one (an imported "=…" or "-…") is kept as text by a leading apostrophe.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object that hands back what the csv writer writes, for streaming."""

    def write(self, value):
        return value


def _csv_lines(queryset, cols: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    with translation.override(EXPORT_LANGUAGE):
        yield "\ufeff" + writer.writerow([str(column.header) for column in cols])
        for row in _rows(queryset, cols):
            yield writer.writerow([_csv_cell(value) for value in row])


def _as_attachment(response, extension: str):
    name = f"kien-nghi-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def csv_response(queryset, build_url) -> StreamingHttpResponse:
    """Streamed row by row, so memory stays flat however many rows are exported."""
    response = StreamingHttpResponse(
        _csv_lines(export_queryset(queryset), columns(build_url)),
        content_type="text/csv; charset=utf-8",
    )
    return _as_attachment(response, "csv")


def _xlsx_cell(sheet, value, bold=False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
    if isinstance(value, datetime.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xlsx_bytes(queryset, cols: list[Column]) -> bytes:
    workbook = Workbook(write_only=True)
    with translation.override(EXPORT_LANGUAGE):
        sheet = workbook.create_sheet(title=str(_("Recommendations")))
        for index, column in enumerate(cols):
            sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, str(column.header), bold=True) for column in cols])
        for row in _rows(queryset, cols):
            sheet.append([_xlsx_cell(sheet, _plain(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value):
    # Lazy translations and model choices become plain strings for openpyxl.
    if value is None or isinstance(value, int | float | datetime.date | str):
        return value
    return str(value)


def xlsx_response(queryset, build_url) -> HttpResponse:
    response = HttpResponse(
        _xlsx_bytes(export_queryset(queryset), columns(build_url)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _as_attachment(response, "xlsx")
