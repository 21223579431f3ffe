"""The files offices really make, imported end to end: a Windows-1258 semicolon CSV as Excel on
a Vietnamese Windows saves it, and a report-style XLSX (title rows in merged cells, an "STT"
column, a blank row between the data, a signature block). Every row is imported, through the
command, the reader API and the admin; errors name the spreadsheet's own lines."""

import importlib.util
import io
import unicodedata
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from recommendations.imports import import_visit_notes, read_table
from surveys.models import Finding, ImportBatch
from tests.recommendations.test_visit_notes_admin import confirm, upload
from tests.recommendations.test_visit_notes_import import snapshot

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
_spec = importlib.util.spec_from_file_location("build_samples", SAMPLES / "build_samples.py")
build_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_samples)

KEYS = [cells[0] for cells in build_samples.SAMPLE]
REPORT_LINES = build_samples.report_lines()  # 5-8 and 10-13: line 9 is blank


def command(path, *args):
    out = StringIO()
    call_command("import_visit_notes", str(path), "--verbosity", "2", *args, stdout=out)
    return out.getvalue()


def imported_texts():
    return dict(Finding.objects.filter(key__in=KEYS).values_list("key", "description"))


def test_the_windows_1258_csv_imports_every_row_as_the_utf8_one_would():
    output = command(SAMPLES / "visit_notes_windows_1258.csv")
    assert "Đã nhập. 8 dòng: 8 tạo mới" in output
    for line, key in enumerate(KEYS, start=2):
        assert f"Dòng {line}: {key} – tạo mới" in output
    texts = imported_texts()
    # Composed (NFC) as the UTF-8 file's text is: the same file in UTF-8 changes nothing.
    assert texts["mau-qn-kk-01"] == ("Cán bộ cấp xã chưa được đào tạo chuyên sâu về chuyển đổi số.")
    assert "Đã nhập. 8 dòng: 0 tạo mới, 0 cập nhật, 8 không đổi" in command(
        SAMPLES / "visit_notes_semicolon_bom.csv"
    )


def test_the_report_style_xlsx_imports_every_row_on_its_own_lines():
    output = command(SAMPLES / "visit_notes_report.xlsx")
    assert "Đã nhập. 8 dòng: 8 tạo mới" in output
    for line, key in zip(REPORT_LINES, KEYS, strict=True):
        assert f"Dòng {line}: {key} – tạo mới" in output
    assert ImportBatch.objects.get().rows == 8
    assert "Đã nhập. 8 dòng: 0 tạo mới, 0 cập nhật, 8 không đổi" in command(
        SAMPLES / "visit_notes_sample.csv"
    )


@pytest.mark.parametrize("name", ["visit_notes_windows_1258.csv", "visit_notes_report.xlsx"])
def test_the_reader_api_gives_the_engine_every_row(name):
    table = read_table(content=(SAMPLES / name).read_bytes(), file_name=name)
    report = import_visit_notes(table=table, user=None, file_name=name, dry_run=True)
    assert report.ok, report.lines()
    expected = REPORT_LINES if name.endswith(".xlsx") else list(range(2, 10))
    assert [row.line for row in report.rows] == expected
    assert [row.key for row in report.rows] == KEYS


def test_errors_in_a_report_style_xlsx_name_the_spreadsheets_lines(tmp_path):
    book = openpyxl.load_workbook(SAMPLES / "visit_notes_report.xlsx")
    sheet = book.active
    province_column = 1 + 1 + build_samples.HEADERS.index("Tỉnh/thành phố")  # after STT
    sheet.cell(row=REPORT_LINES[4], column=province_column, value="Tỉnh Sài Gòn Mới")
    path = tmp_path / "bao-cao-loi.xlsx"
    book.save(path)
    before = snapshot()
    out = StringIO()
    with pytest.raises(CommandError, match="Chưa nhập gì: có 1 lỗi"):
        call_command("import_visit_notes", str(path), stdout=out)
    assert f"Dòng {REPORT_LINES[4]}, cột “Tỉnh/thành phố”" in out.getvalue()
    assert REPORT_LINES[4] == 10
    assert snapshot() == before


def test_errors_in_a_windows_1258_csv_name_its_lines(tmp_path):
    raw = (SAMPLES / "visit_notes_windows_1258.csv").read_bytes().decode("cp1258")
    text = unicodedata.normalize("NFC", raw)  # Windows-1258 decodes to combining marks
    assert text != raw
    text = text.replace("TP. Hải Phòng", "Tỉnh Sài Gòn Mới")
    path = tmp_path / "loi.csv"
    path.write_bytes(build_samples.to_windows_1258(text))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_visit_notes", str(path), stdout=out)
    assert "Dòng 7, cột “Tỉnh/thành phố”: Không tìm thấy tỉnh, thành phố “Tỉnh Sài Gòn Mới”" in (
        out.getvalue()
    )


@pytest.mark.parametrize("name", ["visit_notes_windows_1258.csv", "visit_notes_report.xlsx"])
def test_the_admin_previews_and_imports_them(client, admin_user, name):
    client.force_login(admin_user)
    preview = upload(client, name)
    assert "confirm_form" in preview.context, preview.content.decode()[:2000]
    rows = preview.context["result"].rows
    expected = REPORT_LINES if name.endswith(".xlsx") else list(range(2, 10))
    assert [row.number for row in rows] == expected
    confirm(client, preview)
    assert set(imported_texts()) == {key for key in KEYS if "-kn-" not in key}


def test_a_bomb_through_the_command_is_refused_plainly(tmp_path):
    buffer = io.BytesIO()
    from tests.tracker.test_spreadsheets import crafted_xlsx

    buffer.write(
        crafted_xlsx(
            [
                '<row r="1"><c r="A1"><v>1</v></c></row>',
                '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            ]
        )
    )
    path = tmp_path / "bom.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(CommandError, match="Tệp có hơn 20000 dòng"):
        command(path)
