"""The report's tables as a workbook (one sheet a table: real numbers and dates, the header
frozen, filters on) and as CSV files in a zip (UTF-8 with a BOM and ";" – what Excel in
Vietnamese regional settings opens as columns)."""

import csv
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tables import DATE, DAYS, RATE, TEXT, Table

WIDTHS = {TEXT: 40, DATE: 12, RATE: 12, DAYS: 14}


def build_xlsx(tables: list[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        sheet.append([column.title for column in table.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        texts = [column.kind == TEXT for column in table.columns]
        for row in table.rows:
            values = zip(row, texts, strict=True)
            sheet.append([str(v) if text and v is not None else v for v, text in values])
        for index, column in enumerate(table.columns, 1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = WIDTHS.get(column.kind, 14)
            number_format = {RATE: "0.0%", DATE: "DD/MM/YYYY", DAYS: "0.0"}.get(column.kind)
            if number_format and table.rows:
                for (cell,) in sheet.iter_rows(
                    min_row=2, min_col=index, max_col=index, max_row=len(table.rows) + 1
                ):
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
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
