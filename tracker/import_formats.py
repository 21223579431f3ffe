"""The two file formats imports and exports accept, tuned for files made by real offices.

- Reading goes through ``tracker.spreadsheets.read_table`` for both formats, so every import
  path is bounded the same way (size, rows, columns; an XLSX checked before it is parsed), reads
  UTF-8 or Windows-1258 CSV, comma or semicolon, and finds the header of a report-style sheet.
  The format follows the file's content. The dataset carries the table it came from
  (``dataset.table``), whose rows keep the line numbers Excel shows.
- On export every text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is
  prefixed with an apostrophe. django-import-export's own setting for this
  (``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``) only strips a leading "=", which leaves
  "+cmd|…" and "@SUM(…)" live.
"""

import tablib
from import_export.formats import base_formats

from tracker.spreadsheets import Table, TooManyRows, read_table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


#: The row limit's refusal, by the name the callers already catch.
FileTooLarge = TooManyRows


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


def dataset_from_table(table: Table) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=table.headers)
    for row in table.rows:
        dataset.append(row.values)
    dataset.table = table
    return dataset


class _Reading:
    """Reading through ``read_table``. A subclass may set ``is_header`` and ``key_columns``
    (see ``read_table``) for a format whose header it recognises."""

    is_header = None
    key_columns = None
    FILE_NAME = ""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode()
        table = read_table(
            in_stream,
            file_name=self.FILE_NAME,
            is_header=self.is_header,
            key_columns=self.key_columns,
        )
        return dataset_from_table(table)

    def is_binary(self):
        # The bytes as uploaded: the reader decides the encoding (UTF-8 or Windows-1258).
        return True

    def get_read_mode(self):
        return "rb"


class CSV(_Reading, base_formats.CSV):
    FILE_NAME = "upload.csv"

    def export_data(self, dataset, **kwargs):
        return super().export_data(_escaped(dataset), **kwargs)


class XLSX(_Reading, base_formats.XLSX):
    FILE_NAME = "upload.xlsx"

    def export_data(self, dataset, **kwargs):
        return super().export_data(_escaped(dataset), **kwargs)


FORMATS = [CSV, XLSX]
