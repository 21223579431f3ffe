"""The report's tables as a workbook (one sheet a table: real numbers and dates, the header
frozen, filters on) and as CSV files in a zip (UTF-8 with a BOM and ";" – what Excel in
Vietnamese regional settings opens as columns)."""

import csv
import io
import zipfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tables import DATE, DAYS, RATE, TEXT, Table

WIDTHS = {TEXT: 40, DATE: 12, RATE: 12, DAYS: 14}
FORMATS = {RATE: "0.0%", DATE: "DD/MM/YYYY", DAYS: "0.0"}
BOLD = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def build_xlsx(tables: list[Table]) -> bytes:
    # Write-only mode streams rows to the file: a fraction of the time and memory of the
    # normal mode for the annex's tens of thousands of rows.
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        for index, column in enumerate(table.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column.kind, 14)
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font, cell.alignment = BOLD, HEADER_ALIGNMENT
            header.append(cell)
        sheet.append(header)
        formats = [FORMATS.get(column.kind) for column in table.columns]
        texts = [column.kind == TEXT for column in table.columns]
        for row in table.rows:
            values = []
            for value, text, number_format in zip(row, texts, formats, strict=True):
                if text and value is not None:
                    value = str(value)
                elif number_format and value is not None:
                    value = WriteOnlyCell(sheet, value=value)
                    value.number_format = number_format
                values.append(value)
            sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def table_csv(table: Table) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow([column.title for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                value.strftime("%d/%m/%Y")
                if column.kind == DATE and value
                else ("" if value is None else value)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def build_csv_zip(tables: list[Table]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.key}.csv", table_csv(table))
    return output.getvalue()
