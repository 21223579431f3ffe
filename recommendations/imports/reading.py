"""Reading a file into the engine's input: a ``tracker.spreadsheets.Table`` whose rows carry the
spreadsheet's own line numbers, then one ``RowOutcome`` per non-blank line.

The readers themselves (CSV, XLSX and their limits) are ``tracker.import_formats``; this module
only picks one by the file's name and adapts what it returns (``read_table`` is the one seam to
change when the readers return a ``Table`` themselves).
"""

import os
import re

from django.utils.translation import gettext as _

from tracker.import_formats import CSV, XLSX, unescape_formula
from tracker.spreadsheets import Table

from .report import RowOutcome
from .resolving import text_of

#: The readers by file extension; the format follows the file, never a choice in a form.
READERS = {".csv": lambda: CSV(encoding="utf-8-sig"), ".xlsx": XLSX}

#: Control characters no office text contains (tab, line feed and carriage return are kept:
#: a cell may hold several lines). A NUL would fail the database's write at the confirm step.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reader_for(file_name: str):
    """The reader for ``file_name``'s extension, or None when it is neither CSV nor XLSX."""
    factory = READERS.get(os.path.splitext(file_name)[1].lower())
    return factory() if factory else None


def read_table(*, content: bytes, file_name: str) -> Table:
    """Read an uploaded file. Raises ValueError for an unknown extension, and whatever the
    reader raises (``FileTooLarge``, ``UnicodeDecodeError``, …) for a file it cannot read."""
    reader = reader_for(file_name)
    if reader is None:
        raise ValueError(file_name)
    return Table.from_dataset(reader.create_dataset(content))


def row_outcomes(table: Table, names: list[str | None]) -> list[RowOutcome]:
    """One outcome per line that has anything in it, its cells by column name; formula guards
    ("'=…", written by the tracker's exports) dropped, control characters an error."""
    outcomes = []
    for row in table:
        if all(text_of(value) == "" for value in row.values):
            continue  # a blank line inside the sheet
        cells = {
            name: unescape_formula(value) if isinstance(value, str) and value[:1] == "'" else value
            for name, value in zip(names, row.values, strict=False)
            if name
        }
        outcome = RowOutcome(line=row.line, values=cells)
        texts = [value for value in cells.values() if isinstance(value, str)]
        if CONTROL_CHARACTERS.search("".join(texts)):  # one scan per row; the cell only if hit
            for name, value in cells.items():
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                    outcome.error(
                        name,
                        _(
                            "The cell holds a control character (such as NUL) that text "
                            "cannot hold."
                        ),
                    )
        outcomes.append(outcome)
    return outcomes
