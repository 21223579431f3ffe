"""The triage list as a file: CSV (UTF-8 with a BOM, so Excel reads the diacritics) and XLSX.

One column list serves both formats. Headers and values are always Vietnamese, whatever the
language of the page the export was asked from: the files circulate inside the ministry.
"""

import csv
import datetime
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from surveys.models import Delegation, Theme
from tracker.import_formats import escape_formula

from . import deadlines
from .models import CLOSED_STATUSES, Priority, Recommendation, Status

EXPORT_LANGUAGE = "vi"
#: Rows per batch: one query each for their fields and their addressees.
BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ExportRow:
    """What one line of the file shows, fetched as plain values (building 100,000 model
    instances, prefetches and lazy labels cost half a millisecond a row)."""

    pk: int
    province: str
    text: str
    theme: str
    fields: str
    addressed_to: str
    delegation: str
    responsible_unit: str
    priority: str
    due_date: datetime.date | None
    status: str
    overdue: str
    deadline: str
    created: datetime.date
    updated: datetime.datetime
    link: str
    group: str = ""


@dataclass(frozen=True)
class Column:
    header: str
    attribute: str
    width: int = 18


COLUMNS = [
    Column(_("No."), "pk", 8),
    Column(pgettext_lazy("province or city", "Province"), "province", 16),
    Column(_("Recommendation"), "text", 80),
    Column(_("Theme"), "theme", 22),
    Column(_("Fields"), "fields", 30),
    Column(_("Addressed to"), "addressed_to", 24),
    Column(_("Delegation"), "delegation", 24),
    Column(_("Responsible unit"), "responsible_unit", 28),
    Column(_("Priority"), "priority", 12),
    Column(_("Due date"), "due_date", 12),
    Column(_("Status"), "status", 24),
    Column(_("Overdue"), "overdue", 10),
    Column(_("Time left"), "deadline", 24),
    Column(_("Created"), "created", 12),
    Column(_("Last updated"), "updated", 17),
    Column(_("Group"), "group", 30),
    # Last: the XLSX writer makes it a link one clicks.
    Column(_("Link"), "link", 40),
]

_VALUES = [
    "pk",
    "province__name",
    "text",
    "theme",
    "visit__delegation__number",
    "visit__delegation__head_name",
    "responsible_unit__name",
    "priority",
    "due_date",
    "status",
    "created_at",
    "updated_at",
    "on_hold_since",
    "group__title",
]


def _names_by_recommendation(relation, ids: list[int]) -> dict[int, str]:
    """ "name; name" of a many-to-many relation for each id, in the related model's order."""
    target = relation.rel.model._meta
    names: dict[int, list[str]] = {}
    rows = (
        relation.through.objects.filter(recommendation_id__in=ids)
        .order_by(*(f"{target.model_name}__{field}" for field in target.ordering))
        .values_list("recommendation_id", f"{target.model_name}__name")
    )
    for recommendation_id, name in rows:
        names.setdefault(recommendation_id, []).append(name)
    return {key: "; ".join(value) for key, value in names.items()}


def export_rows(queryset, build_url: Callable[[str], str]) -> Iterator[ExportRow]:
    """The filtered rows, in the list's order, in batches: memory stays flat and the number of
    queries grows with the batches, never with the rows. Call it with the export language
    active (the labels are read once)."""
    themes = {value: str(label) for value, label in Theme.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    closed = {str(status) for status in CLOSED_STATUSES}
    yes = str(_("yes"))
    link = build_url(reverse("recommendations:detail", args=[0])).removesuffix("0/")
    today = timezone.localdate()
    delegations: dict[tuple, str] = {}  # the label of each delegation, made once
    rows = queryset.values_list(*_VALUES).iterator(chunk_size=BATCH_SIZE)
    while batch := list(itertools.islice(rows, BATCH_SIZE)):
        ids = [row[0] for row in batch]
        fields = _names_by_recommendation(Recommendation.fields, ids)
        addressed = _names_by_recommendation(Recommendation.addressed_to, ids)
        for (
            pk,
            province,
            text,
            theme,
            delegation_number,
            head_name,
            unit,
            priority,
            due_date,
            status,
            created_at,
            updated_at,
            on_hold_since,
            group,
        ) in batch:
            delegation = ""
            if delegation_number is not None:
                key = (delegation_number, head_name)
                if key not in delegations:
                    delegations[key] = str(
                        Delegation(number=delegation_number, head_name=head_name)
                    )
                delegation = delegations[key]
            on_hold = on_hold_since is not None
            is_closed = status in closed
            overdue = due_date is not None and not is_closed and not on_hold and due_date < today
            yield ExportRow(
                pk=pk,
                province=province,
                text=text,
                theme=themes.get(theme, theme),
                fields=fields.get(pk, ""),
                addressed_to=addressed.get(pk, ""),
                delegation=delegation,
                responsible_unit=unit or "",
                priority=priorities.get(priority, priority),
                due_date=due_date,
                status=statuses.get(status, status),
                overdue=yes if overdue else "",
                deadline=deadlines.meaning(
                    due_date, closed=is_closed, on_hold=on_hold, today=today
                ),
                created=timezone.localtime(created_at).date(),
                updated=timezone.localtime(updated_at),
                link=f"{link}{pk}/",
                group=group or "",
            )


def _rows(queryset, build_url) -> Iterator[list]:
    attributes = [column.attribute for column in COLUMNS]
    for row in export_rows(queryset, build_url):
        yield [getattr(row, attribute) for attribute in attributes]


_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


def _strftime_pattern(django_format: str) -> str | None:
    """The strftime twin of a Django date format made of the usual letters ("d/m/Y" →
    "%d/%m/%Y"), or None: strftime is ten times faster over 100,000 rows."""
    pattern = []
    for char in django_format:
        if char.isalpha():
            if char not in _STRFTIME:
                return None
            pattern.append(_STRFTIME[char])
        else:
            pattern.append(char.replace("%", "%%"))
    return "".join(pattern)


def _date_formatter(django_format: str) -> Callable[[datetime.date], str]:
    pattern = _strftime_pattern(django_format)
    if pattern is None:
        return lambda value: dateformat.format(value, django_format)
    return lambda value: value.strftime(pattern)


def _csv_cell(value, date_text, datetime_text) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return datetime_text(value)
    if isinstance(value, datetime.date):
        return date_text(value)
    # A text a spreadsheet would run as a formula keeps a leading apostrophe, by the one rule
    # every export follows (the visit-notes import drops it again).
    return escape_formula(str(value))


class _Echo:
    """A file-like object that hands back what the csv writer writes, for streaming."""

    def write(self, value):
        return value


def _csv_lines(queryset, build_url) -> Iterator[str]:
    writer = csv.writer(_Echo())
    with translation.override(EXPORT_LANGUAGE):
        date_text = _date_formatter(formats.get_format("SHORT_DATE_FORMAT"))
        datetime_text = _date_formatter(formats.get_format("SHORT_DATETIME_FORMAT"))
        yield "\ufeff" + writer.writerow([str(column.header) for column in COLUMNS])
        for row in _rows(queryset, build_url):
            yield writer.writerow([_csv_cell(value, date_text, datetime_text) for value in row])


def _as_attachment(response, extension: str):
    name = f"kien-nghi-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def csv_response(queryset, build_url) -> StreamingHttpResponse:
    """Streamed row by row, so memory stays flat however many rows are exported."""
    response = StreamingHttpResponse(
        _csv_lines(queryset, build_url),
        content_type="text/csv; charset=utf-8",
    )
    return _as_attachment(response, "csv")


def _xlsx_cell(sheet, value, bold=False):
    plain = not bold and not isinstance(value, datetime.date)
    if plain and not (isinstance(value, str) and value.startswith("=")):
        return value  # most cells: a plain value, without a cell object (3 times faster)
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


def _xlsx_link(sheet, url: str):
    """The recommendation's address as a link one clicks in Excel (a write-only sheet has no
    hyperlink objects: the HYPERLINK formula does the same, its text being the address)."""
    if not url:
        return url
    cell = WriteOnlyCell(sheet, value='=HYPERLINK("{0}","{0}")'.format(url.replace('"', "%22")))
    cell.style = "Hyperlink"
    return cell


def _xlsx_bytes(queryset, build_url) -> bytes:
    workbook = Workbook(write_only=True)
    with translation.override(EXPORT_LANGUAGE):
        sheet = workbook.create_sheet(title=str(_("Recommendations")))
        for index, column in enumerate(COLUMNS):
            sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, str(column.header), bold=True) for column in COLUMNS])
        count = 0
        for row in _rows(queryset, build_url):
            cells = [_xlsx_cell(sheet, value) for value in row[:-1]]
            sheet.append([*cells, _xlsx_link(sheet, row[-1])])
            count += 1
        # Excel's filter buttons on the header row, over every row written.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(queryset, build_url) -> HttpResponse:
    response = HttpResponse(
        _xlsx_bytes(queryset, build_url),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _as_attachment(response, "xlsx")
