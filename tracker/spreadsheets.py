"""Reading the spreadsheets offices send: the shape every import consumes.

A ``Table`` is the header row and the data rows of one sheet, each data row with the line
number the person sees in their spreadsheet (so an error report can say "Dòng 7" for a file
whose header sits on line 5 under the agency's name and the national motto).

The readers (CSV in UTF-8 or Windows-1258, XLSX, bounded before and while parsing, the header
found among the first rows of a report-style sheet) produce a ``Table``; ``Table.from_dataset``
adapts an already-read ``tablib.Dataset`` whose header is line 1.
"""

import csv
import io
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tracker.text import fold_query
from tracker.xlsx_check import Limits, XlsxLimitExceeded, check_xlsx


@dataclass(frozen=True)
class TableRow:
    line: int  # the row's number in the spreadsheet, 1-based, as Excel shows it
    values: tuple  # cells as read (text, number, date or None), aligned with Table.headers


@dataclass
class Table:
    headers: list[str]
    rows: list[TableRow] = field(default_factory=list)
    header_line: int = 1
    sheet_name: str = ""
    encoding: str = ""

    def __iter__(self) -> Iterator[TableRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def from_rows(cls, headers: Sequence, rows: Iterable[Sequence], *, header_line: int = 1):
        headers = [("" if header is None else str(header)).strip() for header in headers]
        width = len(headers)
        table = cls(headers=headers, header_line=header_line)
        for offset, values in enumerate(rows, start=1):
            values = list(values)[:width]
            values += [None] * (width - len(values))
            table.rows.append(TableRow(line=header_line + offset, values=tuple(values)))
        return table

    @classmethod
    def from_dataset(cls, dataset) -> "Table":
        """A ``tablib.Dataset`` whose header is the file's first line."""
        return cls.from_rows(dataset.headers or [], list(dataset))


# ---------------------------------------------------------------------------------------------
# Reading files


#: The header of a report-style sheet is looked for among this many first rows.
HEADER_SEARCH_ROWS = 20
#: Lines a sheet may hold beyond the row limit: title rows, blank rows, the signature block.
ROW_MARGIN = 1000
MAX_COLUMNS = 64
#: Headers of an ordinal column ("STT", "Số TT", "Số thứ tự"), folded: dropped on reading.
ORDINAL_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu"})
#: How a signature block below a table opens, folded: "Nơi nhận:", "NGƯỜI LẬP BIỂU", "TM. …".
FOOTER_WORDS = ("noi nhan", "nguoi lap", "nguoi ky", "thu truong", "giam doc", "tm.", "kt.")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
TEXT_EXTENSIONS = (".csv", ".txt")


class SpreadsheetError(ValueError):
    """A file the import refuses, with the message to show the person who sent it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return self.message


class TooManyRows(SpreadsheetError):
    def __init__(self, limit: int):
        super().__init__(
            _("The file has more than %(limit)s rows; split it and import each part.")
            % {"limit": limit},
            code="rows",
        )


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file cannot be read. Check that it is a real CSV or XLSX file."), code="format"
    )


def _not_text() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving."),
        code="encoding",
    )


def _too_many_columns(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The sheet has more than %(limit)s columns; remove the columns the import does not use.")
        % {"limit": limit},
        code="columns",
    )


def is_blank(values) -> bool:
    for value in values:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def cell_text(value) -> str:
    """A cell as header text: "" for nothing, "3" for the 3.0 a number cell gives."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _nfc(value):
    # Windows-1258 and some Mac tools give decomposed tone marks; compose them.
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return unicodedata.normalize("NFC", value)
    return value


def read_table(
    data: bytes,
    *,
    file_name: str,
    is_header: Callable[[list[str]], bool] | None = None,
    key_columns: Callable[[str], bool] | None = None,
    max_rows: int | None = None,
    max_columns: int = MAX_COLUMNS,
    max_bytes: int | None = None,
) -> Table:
    """The table in a CSV or XLSX file, read within the limits or refused.

    - The format follows the content: a zip holding ``xl/workbook.xml`` is an XLSX, text is a
      CSV (UTF-8 with or without BOM, else Windows-1258; comma or semicolon). A file named
      .xlsx that is not one, a PDF, an old .xls or any other binary is refused.
    - The header is the first row, among the first ``HEADER_SEARCH_ROWS``, for which
      ``is_header(cells)`` holds (default: the first row that is not blank); rows above it
      (agency, national motto) are ignored. With several sheets, the first visible sheet that
      has such a row is read; if none has, the first sheet's first non-blank row is the header
      (so the caller can say which columns are missing).
    - An ordinal column ("STT") is dropped.
    - The footer is dropped: the table ends at a blank row whose next row fills fewer than
      half of the key columns (``key_columns(header)``; default every named column) or opens
      with a signature block's words ("Nơi nhận:", "NGƯỜI LẬP BIỂU"), unless a row filling
      every key column comes later. Blank rows inside the table are kept, so each row keeps
      the line number Excel shows.
    - Refused with :class:`SpreadsheetError`: more than ``max_bytes``; more than ``max_rows``
      rows in the table (:class:`TooManyRows`; reading stops there); more than ``max_columns``
      columns; for an XLSX, anything that could make parsing exceed those limits, checked
      before parsing (``tracker.xlsx_check``).
    """
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    max_bytes = settings.IMPORT_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if isinstance(data, str):
        data = data.encode()
    extension = os.path.splitext(file_name)[1].lower()
    if extension not in XLSX_EXTENSIONS + TEXT_EXTENSIONS:
        raise SpreadsheetError(
            _("“%(name)s” is not a CSV or XLSX file. Save the sheet as .xlsx or .csv.")
            % {"name": os.path.basename(file_name)},
            code="format",
        )
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s; files of at most %(limit)s can be imported.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)},
            code="size",
        )
    reader = _Reader(is_header, key_columns, max_rows, max_columns)
    if data[:4] == b"PK\x03\x04":
        return reader.xlsx(data)
    if extension in XLSX_EXTENSIONS or _looks_binary(data):
        raise _unreadable()
    return reader.csv(data)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"%PDF", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text: refused as an encoding, with the message that says so
    # A stray NUL in a cell is the row's problem (the import reports it); a binary file is
    # full of them.
    nuls = head.count(b"\x00")
    return nuls > 8 and nuls > len(head) // 100


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: UTF-8 (with or without BOM), else
    Windows-1258 – what Excel on a Vietnamese Windows writes for “CSV (Comma delimited)” –
    composed to NFC, since Windows-1258 spells most tone marks as combining characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    else:
        encoding = "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00\x00" in data[:4096]:
        raise _not_text()  # UTF-16 ("Unicode Text"): not a CSV Excel writes
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if encoding == "utf-8-sig" or _damaged_utf8(data):
            raise _not_text() from None
        try:
            text, encoding = data.decode("cp1258"), "cp1258"
        except UnicodeDecodeError:
            raise _not_text() from None
    return _nfc(text), encoding


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 text with a few bad bytes (a cut-and-paste, a truncated copy), not Windows-1258:
    read as Windows-1258 it would import as mojibake ("Ä‘" for "đ"). In Windows-1258 text
    nearly every accented letter is an invalid UTF-8 byte and valid sequences are rare."""
    valid = len(_UTF8_SEQUENCE.findall(data))
    invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    return valid > 10 * invalid


def _delimiter(lines: list[str]) -> str:
    """Comma or semicolon (Excel in a Vietnamese locale saves with semicolons): each of the
    first lines votes for the one it holds more of, and a tie goes to the comma."""
    semicolons = sum(1 for line in lines if line.count(";") > line.count(","))
    commas = sum(1 for line in lines if line.count(",") > line.count(";"))
    return ";" if semicolons > commas else ","


class _Reader:
    def __init__(self, is_header, key_columns, max_rows, max_columns):
        self.is_header = is_header or (lambda cells: any(cells))
        self.key_columns = key_columns
        self.max_rows = max_rows
        self.max_columns = max_columns
        # The last line a sheet may use: the table plus title rows, blank rows and a footer.
        self.max_lines = max_rows + ROW_MARGIN + HEADER_SEARCH_ROWS

    # -- formats ---------------------------------------------------------------------------

    def csv(self, data: bytes) -> Table:
        text, encoding = decode_text(data)
        first_lines = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
        records = csv.reader(
            io.StringIO(text, newline=""), delimiter=_delimiter(first_lines), strict=False
        )
        try:
            table = self._table(records, stop_at_limit=True)
        except csv.Error as error:
            raise _unreadable() from error
        if table is None:
            table = Table(headers=[])
        table.encoding = encoding
        return table

    def xlsx(self, data: bytes) -> Table:
        from python_calamine import CalamineWorkbook

        limits = Limits(rows=self.max_lines, columns=self.max_columns)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise _unreadable()
                check_xlsx(archive, limits)
        except XlsxLimitExceeded as error:
            if error.reason == "rows":
                raise TooManyRows(self.max_rows) from error
            if error.reason == "columns":
                raise _too_many_columns(self.max_columns) from error
            raise SpreadsheetError(
                _("The file is too large once unpacked; split it and import each part."),
                code="size",
            ) from error
        except SpreadsheetError:
            raise
        except Exception as error:  # BadZipFile, ExpatError, a truncated part…
            raise _unreadable() from error
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            first = None
            for index, meta in enumerate(book.sheets_metadata):
                if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                    continue
                if str(meta.visible).rsplit(".", 1)[-1] != "Visible":
                    continue
                sheet = book.get_sheet_by_index(index)
                table = self._table(sheet.iter_rows(), stop_at_limit=False)
                if table is not None:
                    table.sheet_name = sheet.name
                    return table
                if first is None:
                    first = index
            if first is None:
                return Table(headers=[])
            # No sheet has the header: the first one's first row, for the caller to report.
            sheet = book.get_sheet_by_index(first)
            table = self._table(sheet.iter_rows(), stop_at_limit=False, fallback=True)
            if table is None:
                table = Table(headers=[])
            table.sheet_name = sheet.name
            return table
        except SpreadsheetError:
            raise
        except Exception as error:  # calamine's own errors: a damaged workbook
            raise _unreadable() from error

    # -- the table in the rows -------------------------------------------------------------

    def _table(self, rows: Iterable, *, stop_at_limit: bool, fallback: bool = False):
        """The table in ``rows`` (an iterator of lists of cells, line 1 first), or None when no
        row among the first ones is a header."""
        rows = iter(rows)
        header, header_line = None, 0
        for line, values in enumerate(rows, start=1):
            cells = [cell_text(value) for value in values]
            if any(cells) and (fallback or self.is_header(cells)):
                header, header_line = cells, line
                break
            if line >= HEADER_SEARCH_ROWS:
                return None
        if header is None:
            return None
        width = len(header)
        while width and not header[width - 1]:
            width -= 1
        if width > self.max_columns:
            raise _too_many_columns(self.max_columns)
        keep = [i for i in range(width) if fold_query(header[i]) not in ORDINAL_HEADERS]
        headers = [header[i] for i in keep]
        plain = keep == list(range(width))  # no column to drop: rows as read

        body = []
        for line, values in enumerate(rows, start=header_line + 1):
            if line > self.max_lines:
                if stop_at_limit and is_blank(values):
                    continue  # blank lines at the end of a CSV cost nothing
                raise TooManyRows(self.max_rows)
            if len(values) > self.max_columns and not is_blank(values[self.max_columns :]):
                raise _too_many_columns(self.max_columns)
            if plain and len(values) == width:
                body.append(values)
            else:
                body.append([values[i] if i < len(values) else None for i in keep])
        body = body[: self._end(headers, body)]
        if len(body) > self.max_rows and sum(not is_blank(v) for v in body) > self.max_rows:
            raise TooManyRows(self.max_rows)
        table = Table(headers=headers, header_line=header_line)
        table.rows = [
            TableRow(line=header_line + offset, values=tuple(values))
            for offset, values in enumerate(body, start=1)
        ]
        return table

    def _end(self, headers: list[str], body: list[list]) -> int:
        """How many rows after the header are the table.

        The table ends at a blank row when the next non-blank row is not a row of the table –
        it fills fewer than half of the key columns, or opens with a signature block's words
        ("Nơi nhận:", "Người lập biểu") – and no row after it fills every key column. So a
        blank row between rows is kept (the lines stay Excel's), and a row with a few cells
        missing is still a row, for the import to report."""
        named = [i for i, header in enumerate(headers) if header]
        keys = [i for i in named if self.key_columns and self.key_columns(headers[i])] or named
        needed = max(1, math.ceil(len(keys) / 2))

        def filled(values) -> int:
            count = 0
            for i in keys:
                value = values[i]
                if value is not None and (not isinstance(value, str) or value.strip()):
                    count += 1
            return count

        def opens_footer(values) -> bool:
            first = next((cell_text(value) for value in values if cell_text(value)), "")
            return fold_query(first).startswith(FOOTER_WORDS)

        end = len(body)
        while end and is_blank(body[end - 1]):
            end -= 1
        full_after = None  # does a row at or after i fill every key? (worked out when needed)
        seen_row, index = False, 0
        while index < end:
            if not is_blank(body[index]):
                seen_row = True
                index += 1
                continue
            following = index + 1
            while is_blank(body[following]):  # a run of blank rows; a row ends it (end)
                following += 1
            row = body[following]
            if seen_row and (filled(row) < needed or opens_footer(row)):
                if full_after is None:
                    full_after = [False] * (end + 1)
                    for i in range(end - 1, -1, -1):
                        full_after[i] = full_after[i + 1] or filled(body[i]) == len(keys)
                if not full_after[following]:
                    return index
            index = following
        return end
