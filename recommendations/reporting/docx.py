"""The official report as a DOCX laid out as Decree 30/2020/NĐ-CP, Appendix I, lays out an
administrative document: A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New
Roman; the parent body (size 12–13, upright) above the issuing unit (bold) at the top left with
the number and symbol under it; the national title (bold capitals, 12–13) and the motto (bold,
13–14, a line under it) at the top right, place and date (italic) under the motto; the
document's name and summary centred in bold; the body in 14; "Nơi nhận" (bold italic 12, the list
in 11) bottom left and the signer's position (bold capitals) and name bottom right. The header
is a borderless two-column table, as the decree's samples are typed.

Long tables (the annex of every open recommendation: tens of thousands of rows) are written by
filling one prepared row's XML per line: python-docx's ``add_row`` plus cell writes take about
a millisecond per cell; the rows here are text put into the prepared row's XML and parsed a
few thousand at a time.
"""

import datetime
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .asof import Figures
from .numbers import vn_date, vn_number, vn_percent
from .tables import DATE, DAYS, INT, OUTCOME_LABELS, RATE, Table

PARENT_BODY = "BỘ KHOA HỌC VÀ CÔNG NGHỆ"
ISSUING_UNIT = "VĂN PHÒNG BỘ"
SYMBOL = "BC-BKHCN"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_NAME = "BÁO CÁO"
SUMMARY = "Tình hình tiếp nhận, xử lý kiến nghị của các địa phương"
RECIPIENTS = [
    "Bộ trưởng (để báo cáo);",
    "Các Thứ trưởng (để biết);",
    "Các đơn vị thuộc Bộ;",
    "Lưu: VT, VP.",
]
SIGNER_POSITION = "TL. BỘ TRƯỞNG\nCHÁNH VĂN PHÒNG"
FONT = "Times New Roman"


def format_value(value, kind) -> str:
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == INT:
        return vn_number(value)
    if kind == RATE:
        return vn_number(100 * value, 1) + "%"
    if kind == DAYS:
        return vn_number(value, 0 if float(value).is_integer() else 1)
    if kind == DATE:
        return vn_date(value)
    return str(value)


def summary_sentence(figures: Figures) -> str:
    """The report's first paragraph, in words, as the leadership quotes it."""
    t, scope = figures.totals, figures.scope
    outcomes = dict(figures.closed_by_outcome)
    parts = ", ".join(
        f"{OUTCOME_LABELS[status].lower()} {vn_number(n)}" for status, n in outcomes.items() if n
    )
    text = (
        f"Tính đến ngày {vn_date(scope.as_of)}, Bộ đã tiếp nhận {vn_number(t['received'])} "
        f"kiến nghị của {vn_number(t['provinces'])} địa phương; đã giải quyết "
        f"{vn_number(t['closed'])} ({vn_percent(t['closed'], t['received'])})"
    )
    if parts:
        text += f" ({parts})"
    text += (
        f"; đang xử lý {vn_number(t['open'])}, trong đó {vn_number(t['overdue'])} kiến nghị "
        f"quá hạn và {vn_number(t['on_hold'])} kiến nghị tạm dừng chờ ý kiến cấp có thẩm quyền."
    )
    months = figures.months
    received = sum(m.received for m in months)
    closed = sum(m.closed for m in months)
    text += (
        f" Trong kỳ báo cáo (từ ngày {vn_date(scope.start)} đến ngày {vn_date(scope.as_of)}), "
        f"Bộ tiếp nhận {vn_number(received)} kiến nghị và giải quyết {vn_number(closed)} "
        "lượt kiến nghị."
    )
    return text


def _font(run, size, *, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # Word picks the East Asian font slot for some Vietnamese letters: name it too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _paragraph(container, text, size=14, *, bold=False, italic=False, align=None, after=0):
    paragraph = container.add_paragraph()
    lines = text.split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, size, bold=bold, italic=italic)
        if number < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    return paragraph


def _line_under(paragraph):
    """A rule under the paragraph's text (the line under the motto and the unit's name)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _header(document, issued: datetime.date):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(left, PARENT_BODY, 12, align=center)
    unit = _paragraph(left, ISSUING_UNIT, 13, bold=True, align=center, after=6)
    _line_under(unit)
    _paragraph(left, f"Số:        /{SYMBOL}", 13, align=center)
    _paragraph(right, NATIONAL_TITLE, 12, bold=True, align=center)
    motto = _paragraph(right, MOTTO, 13, bold=True, align=center, after=6)
    _line_under(motto)
    _paragraph(
        right,
        f"Hà Nội, ngày      tháng      năm {issued.year}",
        14,
        italic=True,
        align=center,
    )


def _data_table(document, table: Table, pending: list[Table]):
    """A bordered table with a bold header row, and one prepared row its lines will copy."""
    columns = table.columns
    grid = document.add_table(rows=2, cols=len(columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        _font(paragraph.add_run(column.title), 12, bold=True)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell, column in zip(grid.rows[1].cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        _font(paragraph.add_run("x"), 12)
        if column.kind != "text":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # The header row repeats on every page of a long table.
    header_pr = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_pr.append(repeat)
    # The data rows are written into the saved XML as text (``_fill_rows``): one marker per
    # cell of this prepared row tells where each value goes.
    number = len(pending)
    for column, element in enumerate(grid.rows[1]._tr.iter(qn("w:t"))):
        element.text = f"\ue000T{number}C{column}\ue000"
    pending.append(table)
    return grid


def _fill_rows(xml: str, tables: list[Table]) -> str:
    """Put every table's lines in place of its prepared row, as text: for the annex's tens of
    thousands of rows this takes a second where building them as lxml elements took tens."""
    for number, table in enumerate(tables):
        at = xml.index(f"\ue000T{number}C0\ue000")
        start = max(xml.rfind("<w:tr>", 0, at), xml.rfind("<w:tr ", 0, at))
        end = xml.index("</w:tr>", at) + len("</w:tr>")
        pieces = re.split(f"\ue000T{number}C\\d+\ue000", xml[start:end])
        kinds = [column.kind for column in table.columns]
        lines = []
        first, rest = pieces[0], pieces[1:]
        for row in table.rows:
            line = [first]
            for value, kind, piece in zip(row, kinds, rest, strict=True):
                line += (_xml_text(format_value(value, kind)), piece)
            lines.append("".join(line))
        xml = xml[:start] + "".join(lines) + xml[end:]
    return xml


def _save(document, tables: list[Table]) -> bytes:
    saved = io.BytesIO()
    document.save(saved)
    output = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = _fill_rows(content.decode("utf-8"), tables).encode("utf-8")
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


# Characters XML 1.0 does not allow (a stray control character pasted into a text).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000]")  # and the row marker


def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub(" ", value))


def _heading(document, text):
    _paragraph(document, text, 14, bold=True, after=6).paragraph_format.space_before = Pt(6)


def build_docx(figures: Figures, tables: list[Table], *, issued: datetime.date) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    _header(document, issued)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "", 14)
    _paragraph(document, DOCUMENT_NAME, 14, bold=True, align=center)
    _paragraph(document, SUMMARY, 14, bold=True, align=center)
    period = f"(Từ ngày {vn_date(figures.scope.start)} đến ngày {vn_date(figures.scope.as_of)})"
    _line_under(_paragraph(document, period, 14, italic=True, align=center, after=12))

    body = _paragraph(document, summary_sentence(figures), 14, after=6)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Mm(10)

    by_key = {table.key: table for table in tables}
    pending: list[Table] = []
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    main = [table for table in tables if table.key != "phu_luc"]
    for numeral, table in zip(numerals, main, strict=False):
        _heading(document, f"{numeral}. {table.title.upper()}")
        if not table.rows:
            _paragraph(document, "Không có.", 14, italic=True)
            continue
        _data_table(document, table, pending)

    _signature(document)

    annex = by_key.get("phu_luc")
    if annex is not None:
        document.add_page_break()
        _paragraph(document, annex.title.upper(), 14, bold=True, align=center)
        _paragraph(
            document,
            f"(Kèm theo Báo cáo tính đến ngày {vn_date(figures.scope.as_of)})",
            14,
            italic=True,
            align=center,
            after=6,
        )
        if annex.rows:
            _data_table(document, annex, pending)
        else:
            _paragraph(document, "Không có kiến nghị đang xử lý.", 14, italic=True)

    return _save(document, pending)


def _signature(document):
    _paragraph(document, "", 14)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    paragraph = left.paragraphs[0]
    _font(paragraph.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in RECIPIENTS:
        _paragraph(left, f"- {line}", 11)
    paragraph = right.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = SIGNER_POSITION.split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, 14, bold=True)
        if number < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    _paragraph(right, "\n\n\n", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right, "(Ký, ghi rõ họ tên)", 14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
