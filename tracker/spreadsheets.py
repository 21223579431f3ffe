"""Reading the spreadsheets offices send: the shape every import consumes.

A ``Table`` is the header row and the data rows of one sheet, each data row with the line
number the person sees in their spreadsheet (so an error report can say "Dòng 7" for a file
whose header sits on line 5 under the agency's name and the national motto).

The readers (CSV in UTF-8 or Windows-1258, XLSX, bounded before and while parsing, the header
found among the first rows of a report-style sheet) produce a ``Table``; ``Table.from_dataset``
adapts an already-read ``tablib.Dataset`` whose header is line 1.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field


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
