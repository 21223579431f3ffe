"""The official report's files: the DOCX read back (layout of Decree 30/2020, numbers equal to
the database's), opened by a real office suite, the XLSX's numbers, the command."""

import datetime
import io
import os
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation
from recommendations.reporting.asof import Scope, figures_as_of
from recommendations.reporting.docx import build_docx, summary_sentence
from recommendations.reporting.numbers import vn_number, vn_percent
from recommendations.reporting.services import build_files
from recommendations.reporting.sheets import build_xlsx
from recommendations.reporting.tables import build_tables

from .reporting_history import build_history, hanoi_scope

pytestmark = pytest.mark.django_db

SEED_DAY = datetime.date(2025, 10, 31)


def _docx(scope):
    figures = figures_as_of(scope)
    content = build_docx(figures, build_tables(figures), issued=datetime.date(2025, 11, 3))
    return figures, docx.Document(io.BytesIO(content)), content


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def test_vietnamese_numbers():
    assert vn_number(1234) == "1.234"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(12.5, 1) == "12,5"
    assert vn_percent(12, 19) == "63,2%"
    assert vn_percent(1, 0) == "–"


def test_docx_layout_follows_decree_30():
    _figures, document, _content = _docx(Scope(as_of=SEED_DAY, date_from=datetime.date(2025, 8, 1)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert document.styles["Normal"].font.name == "Times New Roman"
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in left.text
    assert "Số:" in left.text and "/BC-BKHCN" in left.text
    title, motto, place = right.paragraphs[:3]
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and title.runs[0].bold
    assert title.runs[0].font.size.pt in (12, 13)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold
    assert motto.runs[0].font.size.pt in (13, 14)
    assert "w:bottom" in motto._p.xml  # the line under the motto
    assert place.text.startswith("Hà Nội, ngày") and place.runs[0].italic
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Tình hình tiếp nhận, xử lý kiến nghị của các địa phương" in texts
    signature = document.tables[-2].rows[0].cells  # before the annex's table
    assert signature[0].text.startswith("Nơi nhận:")


def test_docx_summary_and_tables_equal_the_database():
    figures, document, _content = _docx(Scope(as_of=SEED_DAY, date_from=datetime.date(2025, 8, 1)))
    # The seed: 19 recommendations of 6 provinces, none closed yet.
    assert summary_sentence(figures).startswith(
        "Tính đến ngày 31/10/2025, Bộ đã tiếp nhận 19 kiến nghị của 6 địa phương; "
        "đã giải quyết 0 (0,0%)"
    )
    assert summary_sentence(figures) in _text(document)
    provinces = next(
        t
        for t in document.tables
        if t.rows[0].cells[1].text == "Tỉnh, thành phố" and len(t.rows) == 35
    )
    counts = {
        row.cells[1].text: int(row.cells[2].text.replace(".", "")) for row in provinces.rows[1:]
    }
    live = {p.name: n for p, n in Recommendation.objects.count_by_province()}
    assert counts == live
    annex = document.tables[-1]
    assert len(annex.rows) - 1 == Recommendation.objects.open().count()


def test_report_of_a_worked_history(ministry_user):
    build_history(ministry_user)
    _figures, document, _content = _docx(hanoi_scope())
    text = _text(document)
    assert "Tính đến ngày 31/03/2026, Bộ đã tiếp nhận 5 kiến nghị của 1 địa phương" in text
    assert "đã giải quyết 3 (60,0%)" in text
    overdue = next(t for t in document.tables if "Số ngày quá hạn" in t.rows[0].cells[-1].text)
    assert len(overdue.rows) == 2 and overdue.rows[1].cells[2].text == "C"
    assert overdue.rows[1].cells[5].text == "44"  # due 15/02, as of 31/03


def test_xlsx_numbers_equal_the_figures(ministry_user):
    build_history(ministry_user)
    figures = figures_as_of(hanoi_scope())
    workbook = openpyxl.load_workbook(io.BytesIO(build_xlsx(build_tables(figures))))
    totals = workbook["tong_hop"]
    assert totals["B2"].value == figures.totals["received"] == 5
    assert totals.freeze_panes == "A2" and totals.auto_filter.ref
    months = [tuple(r) for r in workbook["theo_thang"].iter_rows(min_row=2, values_only=True)]
    assert months == [("01/2026", 3, 1, 2), ("02/2026", 1, 1, 2), ("03/2026", 1, 1, 2)]
    overdue = workbook["qua_han"]
    assert overdue["E2"].value == datetime.datetime(2026, 2, 15)  # a real date
    assert overdue["E2"].number_format == "DD/MM/YYYY"
    units = {row[1]: row for row in workbook["don_vi"].iter_rows(min_row=2, values_only=True)}
    assert units["Văn phòng Bộ"][-1] == 0.5  # on time: a real fraction, shown as 50.0%


def test_build_files_gives_the_three_formats():
    files = build_files(Scope(as_of=SEED_DAY), issued=SEED_DAY)
    with zipfile.ZipFile(io.BytesIO(files["csv"])) as archive:
        names = archive.namelist()
        assert "dia_phuong.csv" in names and "phu_luc.csv" in names
        content = archive.read("tong_hop.csv").decode("utf-8-sig")
    assert content.splitlines()[1].startswith("Tổng số kiến nghị đã tiếp nhận;19;")


def test_command_writes_the_file(tmp_path):
    output = tmp_path / "r.docx"
    call_command(
        "build_report", "--as-of", "31/10/2025", "--output", str(output), stdout=io.StringIO()
    )
    assert docx.Document(str(output)).tables


def test_libreoffice_opens_the_docx(tmp_path):
    """A real office suite converts the file to PDF (Debian's libreoffice-writer-nogui)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice is missing on CI (.ci/run installs libreoffice-writer-nogui)")
        pytest.skip("libreoffice is not installed (apt install libreoffice-writer-nogui)")
    _figures, _document, content = _docx(Scope(as_of=SEED_DAY))
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(content)
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists(), result.stderr.decode(errors="replace")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_command_writes_a_workbook_and_refuses_a_bad_date(tmp_path):
    output = tmp_path / "r.xlsx"
    call_command(
        "build_report",
        "--as-of",
        "31/10/2025",
        "--format",
        "xlsx",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    assert openpyxl.load_workbook(str(output))["tong_hop"]["B2"].value == 19
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("build_report", "--as-of", "2025-10-31", stdout=io.StringIO())
