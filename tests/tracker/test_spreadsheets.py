"""tracker.spreadsheets.read_table: the files offices make, and the files attackers make.

The worst cases are built here (nothing large is committed) and read in a child process whose
peak memory (VmHWM, the kernel's high-water mark of its resident memory) and time are
measured: each is refused, fast, under 300 MB.
"""

import io
import json
import os
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from tracker.import_formats import CSV, XLSX
from tracker.spreadsheets import SpreadsheetError, Table, TooManyRows, read_table

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
MEMORY_LIMIT_MB = 300
TIME_LIMIT_S = 5  # generous: the shared machine runs other tests at the same time

# --- crafting XLSX files by hand ------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def crafted_xlsx(rows, *, dimension="", shared_strings=(), path=None) -> bytes:
    """A minimal workbook whose one sheet's ``<sheetData>`` is the strings ``rows`` yields,
    streamed into the zip (so a bomb is never whole in memory here either)."""
    target = path or io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        if shared_strings:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
            archive.writestr(
                "xl/sharedStrings.xml",
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"{items}</sst>",
            )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f"{_SHEET_START}{dimension}<sheetData>".encode())
            buffer = []
            for row in rows:
                buffer.append(row)
                if len(buffer) >= 10_000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode())
    return None if path else target.getvalue()


def xlsx(*rows, sheet_title="Sheet", extra_sheets=()) -> bytes:
    """A workbook written by openpyxl, as Excel would: the rows, then more sheets."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(list(row))
    for title, sheet_rows, state in extra_sheets:
        extra = book.create_sheet(title)
        extra.sheet_state = state
        for row in sheet_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lines(table: Table) -> list[int]:
    return [row.line for row in table.rows]


# --- encodings ------------------------------------------------------------------------------


def test_utf8_with_and_without_bom_and_either_separator():
    for data in (
        "Mã,Tỉnh\r\nx,Thanh Hóa\r\n".encode(),
        "\ufeffMã;Tỉnh\r\nx;Thanh Hóa\r\n".encode(),
    ):
        table = read_table(data, file_name="a.csv")
        assert table.headers == ["Mã", "Tỉnh"]
        assert [row.values for row in table] == [("x", "Thanh Hóa")]
        assert lines(table) == [2]


def test_windows_1258_is_decoded_and_composed():
    # Windows-1258 spells "ạ" as "a" + U+0323 and "ậ" as "â" + U+0323: NFC composes them, so
    # the text compares equal to what the other files and the database hold.
    data = (SAMPLES / "visit_notes_windows_1258.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data, file_name="ghi-chep.csv")
    assert table.encoding == "cp1258"
    assert table.headers[0] == "Mã dòng"
    assert table.rows[0].values[3] == "Quảng Ninh"
    for row in table:
        for value in row.values:
            assert unicodedata.is_normalized("NFC", value)
    same = read_table((SAMPLES / "visit_notes_semicolon_bom.csv").read_bytes(), file_name="b.csv")
    assert [row.values for row in table] == [row.values for row in same]


@pytest.mark.parametrize(
    "data",
    [
        "Mã,Tỉnh\r\nx,Huế\r\n".encode("utf-16"),  # "Unicode Text"
        "Mã,Tỉnh\r\n".encode() + b"\x81\x8d,x\r\n",  # neither UTF-8 nor Windows-1258
        # UTF-8 with one bad byte: not read as Windows-1258 mojibake.
        ("Mã,Tỉnh\r\n" + "x,Thành phố Hồ Chí Minh\r\n" * 3).encode() + b"y,\xff\r\n",
    ],
)
def test_other_encodings_keep_the_clear_message(data):
    with pytest.raises(SpreadsheetError, match="không phải văn bản UTF-8"):
        read_table(data, file_name="a.csv")


# --- the format follows the content ---------------------------------------------------------


def test_an_xlsx_named_csv_is_read_as_an_xlsx():
    table = read_table(xlsx(["a", "b"], [1, "x"]), file_name="misnamed.csv")
    assert table.headers == ["a", "b"]
    assert table.rows[0].values == (1.0, "x")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ((SAMPLES / "bad_not_really.xlsx").read_bytes(), "a.xlsx", "Không đọc được tệp"),
        ((SAMPLES / "bad_wrong_type.pdf").read_bytes(), "a.csv", "Không đọc được tệp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.xls.csv", "Không đọc được tệp"),
        ((SAMPLES / "bad_wrong_type.pdf").read_bytes(), "a.pdf", "không phải tệp CSV hoặc XLSX"),
    ],
)
def test_other_content_is_refused_plainly(data, name, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_table(data, file_name=name)


def test_a_nul_in_a_cell_is_left_to_the_import():
    table = read_table(b"a,b\r\nx\x00y,z\r\n", file_name="a.csv")
    assert table.rows[0].values == ("x\x00y", "z")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SpreadsheetError, match="Không đọc được tệp"):
        read_table(buffer.getvalue(), file_name="a.xlsx")


def test_a_damaged_workbook_is_refused_plainly():
    data = xlsx(["a"], ["x"])
    with pytest.raises(SpreadsheetError, match="Không đọc được tệp"):
        read_table(data[: len(data) // 2], file_name="a.xlsx")


def test_the_size_limit():
    with pytest.raises(SpreadsheetError, match="tối đa"):
        read_table(b"a,b\r\n" * 100, file_name="a.csv", max_bytes=100)


# --- report-style sheets --------------------------------------------------------------------


def is_abc_header(cells):
    return {"A", "B"} <= set(cells)


REPORT = [
    ["UBND TỈNH X", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ KHOA HỌC VÀ CÔNG NGHỆ", None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["STT", "A", "B", "C"],
    [1, "a1", "b1", "c1"],
    [2, "a2", "b2", None],
    [],
    [3, "a3", "b3", "c3"],
    [4, "a4", None, None],
    [],
    [None, "Nơi nhận:", None, "NGƯỜI LẬP BIỂU"],
    [None, "- Lưu: VT.", None, "(Ký, ghi rõ họ tên)"],
    [],
    [None, None, None, "Nguyễn Văn An"],
]


def test_report_style_sheet_header_stt_and_footer():
    table = read_table(xlsx(*REPORT), file_name="r.xlsx", is_header=is_abc_header)
    assert table.header_line == 4
    assert table.headers == ["A", "B", "C"]  # "STT" dropped
    # The blank line 7 stays inside the table, so every row keeps Excel's number; the row
    # that fills one of the two key columns right under the data is a row (the import will
    # say what is missing); the signature block after the blank line is not.
    assert lines(table) == [5, 6, 7, 8, 9]
    assert table.rows[0].values == ("a1", "b1", "c1")
    assert table.rows[4].values == ("a4", "", "")


def test_report_style_csv_too():
    text = "\r\n".join(
        ";".join("" if cell is None else str(cell) for cell in row) for row in REPORT
    )
    table = read_table(text.encode("utf-8"), file_name="r.csv", is_header=is_abc_header)
    assert table.header_line == 4
    assert table.headers == ["A", "B", "C"]
    assert lines(table) == [5, 6, 7, 8, 9]


def test_where_the_footer_starts():
    header, row = ["K", "V", "W", "X"], ["k1", "v", "w", "x"]
    keys = {"key_columns": lambda header: header in ("K", "V", "W")}
    # A signature block's words open the footer, however many cells it fills...
    footer = ["Nơi nhận:", "", "NGƯỜI LẬP BIỂU", ""]
    assert lines(read_table(xlsx(header, row, [], footer), file_name="a.xlsx")) == [2]
    # ... and so does a row that fills fewer than half of the key columns.
    footer = ["", "", "", "Nguyễn Văn An"]
    assert lines(read_table(xlsx(header, row, [], footer), file_name="a.xlsx", **keys)) == [2]
    # A sparse row between blank rows is still a row when a full row follows it.
    rows = [header, row, [], ["k2", "", "", ""], [], row, [], footer]
    assert lines(read_table(xlsx(*rows), file_name="a.xlsx", **keys)) == [2, 3, 4, 5, 6]


def test_the_first_sheet_with_the_header_is_read():
    data = xlsx(
        ["Hướng dẫn: điền mỗi dòng một ghi chép"],
        sheet_title="Hướng dẫn",
        extra_sheets=[
            ("Ẩn", [["A", "B"], ["hidden", "x"]], "hidden"),
            ("Dữ liệu", [["Tiêu đề"], ["A", "B"], ["a", "b"]], "visible"),
        ],
    )
    table = read_table(data, file_name="a.xlsx", is_header=is_abc_header)
    assert (table.sheet_name, table.header_line, lines(table)) == ("Dữ liệu", 2, [3])
    # No sheet has the header: the first sheet's first row, for the caller to report.
    table = read_table(data, file_name="a.xlsx", is_header=lambda cells: "Z" in cells)
    assert (table.sheet_name, table.headers) == (
        "Hướng dẫn",
        ["Hướng dẫn: điền mỗi dòng một ghi chép"],
    )


def test_the_header_is_looked_for_among_the_first_rows_only():
    rows = [[f"tiêu đề {n}"] for n in range(25)] + [["A", "B"], ["a", "b"]]
    table = read_table(xlsx(*rows), file_name="a.xlsx", is_header=is_abc_header)
    assert table.header_line == 1  # not found: the first non-blank row


def test_the_sample_report_sheet():
    table = read_table(
        (SAMPLES / "visit_notes_report.xlsx").read_bytes(),
        file_name="bao-cao.xlsx",
        is_header=lambda cells: "Mã dòng" in cells and "Nội dung" in cells,
    )
    assert table.header_line == 4
    assert table.headers[0] == "Mã dòng"
    assert lines(table) == [5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert not any(table.rows[4].values)  # line 9 is the blank row between the data


# --- limits ---------------------------------------------------------------------------------


def test_rows_over_the_limit_are_refused_and_blank_lines_are_free():
    data = b"a,b\r\n" + b"1,2\r\n" * 6
    assert len(read_table(data, file_name="a.csv", max_rows=6)) == 6
    with pytest.raises(TooManyRows, match="hơn 5 dòng"):
        read_table(data, file_name="a.csv", max_rows=5)
    assert len(read_table(data + b"\r\n" * 5000, file_name="a.csv", max_rows=6)) == 6
    with pytest.raises(TooManyRows):
        read_table(xlsx(["a"], *[[n] for n in range(6)]), file_name="a.xlsx", max_rows=5)


def test_too_many_columns_are_refused():
    with pytest.raises(SpreadsheetError, match="hơn 64 cột"):
        read_table((",".join(["x"] * 65) + "\r\n").encode(), file_name="a.csv")
    with pytest.raises(SpreadsheetError, match="hơn 64 cột"):
        read_table(crafted_xlsx(['<row r="1"><c r="BM1"><v>1</v></c></row>']), file_name="a.xlsx")
    # Empty separators past the header, as Excel pads rows, are fine.
    table = read_table(("a,b" + "," * 200 + "\r\n1,2\r\n").encode(), file_name="a.csv")
    assert table.headers == ["a", "b"]


@pytest.mark.parametrize(
    "sheet",
    [
        # A cell beyond the last row or column the limits allow, as Excel writes it...
        {
            "rows": [
                '<row r="1"><c r="A1"><v>1</v></c></row>',
                '<row r="30000"><c r="A30000"><v>1</v></c></row>',
            ]
        },
        # ... an empty cell there: harmless for calamine, refused all the same...
        {
            "rows": [
                '<row r="1"><c r="A1"><v>1</v></c></row>'
                '<row r="900000"><c r="A900000" s="1"/></row>'
            ]
        },
        # ... a declared dimension...
        {
            "rows": ['<row r="1"><c r="A1"><v>1</v></c></row>'],
            "dimension": '<dimension ref="A1:A99999"/>',
        },
        # ... rows without numbers, counted as a reader places them...
        {"rows": ["<row><c><v>1</v></c></row>"] * 21_100},
        # ... a namespace prefix, which the fast path leaves to expat.
        {
            "rows": [
                '<x:row r="50000" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<x:c r="A50000"><x:v>1</x:v></x:c></x:row>'
            ]
        },
    ],
)
def test_xlsx_beyond_the_row_limit_is_refused_before_parsing(sheet):
    data = crafted_xlsx(sheet["rows"], dimension=sheet.get("dimension", ""))
    with pytest.raises(TooManyRows):
        read_table(data, file_name="a.xlsx")


def test_shared_text_over_the_budget_is_refused():
    # One 30,000-character string in 2,000 cells: 60 million characters once calamine has
    # copied it into each cell, from a file of a few kilobytes.
    rows = [f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, 2001)]
    data = crafted_xlsx(rows, shared_strings=["x" * 30_000])
    with pytest.raises(SpreadsheetError, match="quá lớn"):
        read_table(data, file_name="a.xlsx")
    # The same string in a few cells is fine.
    assert (
        len(read_table(crafted_xlsx(rows[:3], shared_strings=["x" * 30_000]), file_name="a.xlsx"))
        == 2
    )


def test_parts_larger_than_the_budget_are_refused():
    rows = ['<row r="1"><c r="A1"><v>1</v></c></row>']
    buffer = io.BytesIO(crafted_xlsx(rows))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (300 * 1024 * 1024 // 10))
    with pytest.raises(SpreadsheetError, match="quá lớn"):
        read_table(buffer.getvalue(), file_name="a.xlsx", max_rows=10, max_columns=4)


# --- django-import-export's formats read through the same reader ----------------------------


def test_import_formats_read_through_the_reader(settings):
    dataset = CSV().create_dataset((SAMPLES / "visit_notes_windows_1258.csv").read_bytes())
    assert dataset.headers[0] == "Mã dòng"
    assert dataset.table.encoding == "cp1258"
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(TooManyRows):
        XLSX().create_dataset((SAMPLES / "visit_notes_blank_rows.xlsx").read_bytes())
    with pytest.raises(SpreadsheetError):
        XLSX().create_dataset(
            crafted_xlsx(['<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
        )


# --- the worst cases, measured in a child process -------------------------------------------

_CHILD = """
import json, os, resource, sys, time
import django
django.setup()
from tracker.spreadsheets import SpreadsheetError, read_table
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    table = read_table(data, file_name=os.path.basename(sys.argv[1]))
    outcome = {"rows": len(table)}
except SpreadsheetError as error:
    outcome = {"refused": str(error), "code": error.code}
outcome["seconds"] = time.perf_counter() - start
# VmHWM: the peak resident memory of this program; ru_maxrss would also count the pytest
# process this one was forked from before exec.
with open("/proc/self/status") as status:
    peak = [line.split()[1] for line in status if line.startswith("VmHWM:")]
outcome["peak_mb"] = int(peak[0]) / 1024 if peak else (
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
)
print(json.dumps(outcome))
"""


def measure(path: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("IMPORT_MAX_ROWS", None)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _three_million_rows():
    # Without row numbers (allowed; a reader counts them), which is how 3 million rows fit in
    # about 3 MB: the values change, so it is not just one repeated string.
    for n in range(1, 3_000_001):
        yield f"<row><c><v>{n % 1000}</v></c></row>"


@pytest.fixture(scope="module")
def worst_cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("worst")
    cases = {}
    # 1. One cell at XFD1048576, beside A1: calamine asks for 17 billion cells.
    cases["one_cell_at_XFD1048576.xlsx"] = crafted_xlsx(
        [
            '<row r="1"><c r="A1"><v>1</v></c></row>',
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        ]
    )
    # 2. Three million rows in a few megabytes (the expat path: no row numbers).
    crafted_xlsx(_three_million_rows(), path=folder / "three_million_rows.xlsx")
    # 3. Numbered rows, as Excel writes them, far past the limit (the fast path).
    crafted_xlsx(
        (f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(1, 300_001)),
        path=folder / "numbered_rows.xlsx",
    )
    # 4. A CSV with far more rows than the limit, at the upload limit.
    line = b"mau-01,Thanh Hoa,20/08/2025,kho khan,Noi dung\r\n"
    cases["many_rows.csv"] = b"key,province,date,kind,text\r\n" + line * (
        settings.IMPORT_MAX_UPLOAD_BYTES // len(line) - 1
    )
    # 5. One long shared string in every cell of the rows the limit allows.
    cases["shared_text.xlsx"] = crafted_xlsx(
        (f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, 20_001)),
        shared_strings=["x" * 32_000],
    )
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(
    "name",
    [
        "one_cell_at_XFD1048576.xlsx",
        "three_million_rows.xlsx",
        "numbered_rows.xlsx",
        "many_rows.csv",
        "shared_text.xlsx",
    ],
)
def test_worst_cases_are_refused_fast_and_within_memory(worst_cases, name):
    path = worst_cases / name
    assert path.stat().st_size <= settings.IMPORT_MAX_UPLOAD_BYTES
    outcome = measure(path)
    print(name, path.stat().st_size, outcome)
    assert "refused" in outcome, outcome
    assert outcome["peak_mb"] < MEMORY_LIMIT_MB
    assert outcome["seconds"] < TIME_LIMIT_S


def test_the_largest_file_accepted_stays_within_memory(tmp_path):
    """20,000 rows of 18 columns of text: read whole, under the same bound."""
    count = settings.IMPORT_MAX_ROWS
    text = "Cán bộ cấp xã chưa được đào tạo chuyên sâu về chuyển đổi số và an toàn thông tin. " * 3

    def rows():
        yield (
            '<row r="1">'
            + "".join(
                f'<c r="{chr(65 + c)}1" t="inlineStr"><is><t>H{c}</t></is></c>' for c in range(18)
            )
            + "</row>"
        )
        for n in range(2, count + 2):
            values = [text if c == 8 else f"v{n}-{c}" for c in range(18)]
            cells = "".join(
                f'<c r="{chr(65 + c)}{n}" t="inlineStr"><is><t>{value}</t></is></c>'
                for c, value in enumerate(values)
            )
            yield f'<row r="{n}">{cells}</row>'

    path = tmp_path / "largest.xlsx"
    crafted_xlsx(rows(), path=path)
    started = time.perf_counter()
    outcome = measure(path)
    print("largest", path.stat().st_size, outcome, time.perf_counter() - started)
    assert outcome.get("rows") == count, outcome
    assert outcome["peak_mb"] < MEMORY_LIMIT_MB


@pytest.mark.parametrize(
    ("target", "part"),
    [
        (b"media/image1.png", "xl/media/image1.png"),
        (b"/media/image1.png", "media/image1.png"),
        (b"/xl/media/image1.png", "xl/media/image1.png"),
    ],
)
def test_a_sheet_hidden_under_another_name_is_checked_too(target, part):
    """calamine follows the workbook's relationships: a sheet named like an image is a sheet."""
    data = crafted_xlsx(['<row r="1"><c r="A1"><v>1</v></c></row>'])
    evil = (
        _SHEET_START + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"worksheets/sheet1.xml", target)
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, content)
        archive.writestr(part, evil)
    with pytest.raises(TooManyRows):
        read_table(buffer.getvalue(), file_name="a.xlsx")


def test_a_part_that_inflates_past_what_the_zip_declares_is_refused():
    """The sizes in a zip are the sender's word: each part is inflated (never kept) and
    counted."""
    rows = ['<row r="1"><c r="A1"><v>1</v></c></row>']
    buffer = io.BytesIO(crafted_xlsx(rows))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (10 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/media/padding.bin")
    # The declared size, in the local header and in the central directory, becomes 100 bytes.
    data[info.header_offset + 22 : info.header_offset + 26] = (100).to_bytes(4, "little")
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/media/padding.bin"))
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/media/padding.bin").file_size == 100
    with pytest.raises(SpreadsheetError, match="quá lớn"):
        read_table(bytes(data), file_name="a.xlsx", max_rows=10, max_columns=4)
