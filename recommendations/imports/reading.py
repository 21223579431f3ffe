"""Reading a file into the engine's input: a ``tracker.spreadsheets.Table`` whose rows carry the
spreadsheet's own line numbers, then one ``RowOutcome`` per non-blank line.

The reader itself is ``tracker.spreadsheets.read_table`` (CSV in UTF-8 or Windows-1258, XLSX
checked before it is parsed and bounded while it is read, the header found below a report's
title rows, a footer after the table left out); this module tells it what the header looks like.
"""

import re

from django.utils.translation import gettext as _

from tracker import spreadsheets
from tracker.import_formats import unescape_formula
from tracker.spreadsheets import Table

from .columns import is_header, is_key_column
from .report import RowOutcome
from .resolving import text_of

#: The files the import reads; the content decides how they are parsed.
EXTENSIONS = (".csv", ".xlsx")

#: Control characters no office text contains (tab, line feed and carriage return are kept:
#: a cell may hold several lines). A NUL would fail the database's write at the confirm step.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_table(*, content: bytes, file_name: str) -> Table:
    """Read an uploaded file. Raises ``tracker.spreadsheets.SpreadsheetError``, with the message
    for the person, for a file it refuses or cannot read."""
    return spreadsheets.read_table(
        content, file_name=file_name, is_header=is_header, key_columns=is_key_column
    )


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
