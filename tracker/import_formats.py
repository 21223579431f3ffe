"""The two file formats imports and exports accept, tuned for files made by real offices.

- CSV: UTF-8 with or without the BOM Excel writes, comma- or semicolon-separated (Excel in a
  Vietnamese locale saves with semicolons), blank trailing lines dropped.
- XLSX: the first sheet (read with python-calamine), blank trailing rows dropped; blank rows in
  between are kept so line numbers in the report match what Excel shows. Date cells arrive as
  dates, numbers as numbers.
- On export every text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is
  prefixed with an apostrophe. django-import-export's own setting for this
  (``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``) only strips a leading "=", which leaves
  "+cmd|…" and "@SUM(…)" live.
"""

import csv
import io

import tablib
from django.conf import settings
from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class FileTooLarge(ValueError):
    pass


def escape_formula(value):
    """``value`` made inert for a spreadsheet: "=1+1" → "'=1+1"; numbers and dates untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    """The inverse of ``escape_formula`` on import: "'=1+1" → "=1+1", so a file exported by the
    tracker imports back unchanged. An apostrophe before anything else is the person's text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _escaped(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([escape_formula(cell) for cell in row])
    return safe


def _is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _drop_trailing_blank_rows(rows: list[list]) -> list[list]:
    while rows and _is_blank(rows[-1]):
        rows.pop()
    return rows


def _dataset(headers, rows) -> tablib.Dataset:
    headers = [("" if header is None else str(header)).strip() for header in headers]
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in _drop_trailing_blank_rows(rows):
        row = list(row)[:width]
        dataset.append(row + [None] * (width - len(row)))
    return dataset


def _check_rows(count: int) -> None:
    if count > settings.IMPORT_MAX_ROWS:
        raise FileTooLarge(count)


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        text = in_stream.removeprefix("\ufeff")
        sample = text[:4096]
        first_line = sample.splitlines()[0] if sample else ""
        # The header row decides: whichever separator splits it into more columns.
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if not rows:
            return tablib.Dataset()
        _check_rows(len(rows) - 1)
        return _dataset(rows[0], rows[1:])

    def export_data(self, dataset, **kwargs):
        return super().export_data(_escaped(dataset), **kwargs)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        # python-calamine (Rust) reads a 10,000-row sheet in a tenth of the time openpyxl
        # takes (1.6 s here), which alone was most of an import's time; openpyxl still writes
        # the exports.
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(in_stream)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        headers = next(rows, None)
        if headers is None:
            return tablib.Dataset()
        data, blank_run = [], 0
        for row in rows:
            # Formatted but empty rows can run to the sheet's last line: count them, and only
            # keep those followed by data (so line numbers stay right).
            if _is_blank(row):
                blank_run += 1
                continue
            data.extend([None] for _ in range(blank_run))
            blank_run = 0
            data.append(list(row))
            _check_rows(len(data))
        return _dataset(headers, data)

    def export_data(self, dataset, **kwargs):
        return super().export_data(_escaped(dataset), **kwargs)


FORMATS = [CSV, XLSX]
