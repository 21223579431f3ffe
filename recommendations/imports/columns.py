"""The visit-notes format: its columns, how headers are matched, and the template file.

One row per obstacle, achievement or recommendation of a visit. Headers are matched ignoring
case, diacritics, a trailing "*" and anything in parentheses; the English names work too.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.import_formats import CSV, XLSX
from tracker.text import fold_query


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: tuple[str, str, str] = ("", "", "")  # obstacle, achievement, recommendation


#: The columns of the visit-notes format, in template order. Headers are matched ignoring case,
#: diacritics, a trailing "*" and anything in parentheses; the English names work too.
COLUMNS: tuple[Column, ...] = (
    Column(
        "key",
        "Mã dòng",
        gettext_lazy(
            "Stable key of the row, unique in the file (letters, digits, - and _). "
            "Importing a row with the same key again updates it."
        ),
        required=True,
        aliases=("key", "row key", "ma"),
        example=("mau-thanh-hoa-kk-01", "mau-thanh-hoa-kq-01", "mau-thanh-hoa-kn-01"),
    ),
    Column(
        "survey",
        "Đợt khảo sát",
        gettext_lazy("Slug of the survey campaign; blank means the 2025 campaign."),
        aliases=("survey", "campaign", "dot"),
    ),
    Column(
        "delegation",
        "Đoàn",
        gettext_lazy("Number of the delegation in the campaign; blank when not known."),
        aliases=("delegation", "doan cong tac", "so doan"),
        example=("3", "3", "3"),
    ),
    Column(
        "province",
        "Tỉnh/thành phố",
        gettext_lazy(
            "Code or name, with or without diacritics or a prefix (“Tỉnh Thanh Hóa”, "
            "“thanh hoa”, “TP. Hải Phòng”, “38”); a former province's name means the province "
            "it was merged into."
        ),
        required=True,
        aliases=("province", "tinh", "tinh thanh pho", "tinh, thanh pho", "dia phuong"),
        example=("Tỉnh Thanh Hóa", "thanh hoa", "38"),
    ),
    Column(
        "visit_date",
        "Ngày làm việc",
        gettext_lazy("dd/mm/yyyy, or a range “dd/mm/yyyy - dd/mm/yyyy”."),
        required=True,
        aliases=("visit date", "date", "ngay"),
        example=("20/08/2025", "20/08/2025", "20/08/2025"),
    ),
    Column(
        "kind",
        "Loại",
        gettext_lazy("khó khăn (obstacle), kết quả (achievement) or kiến nghị (recommendation)."),
        required=True,
        aliases=("kind", "type", "loai dong"),
        example=("khó khăn", "kết quả", "kiến nghị"),
    ),
    Column(
        "fields",
        "Lĩnh vực",
        gettext_lazy("One or more fields by name, separated by “;”."),
        aliases=("fields", "field", "linh vuc"),
        example=("Chuyển đổi số", "", "Bưu chính; Viễn thông, Internet"),
    ),
    Column(
        "theme",
        "Chủ đề",
        gettext_lazy(
            "nhân lực, hạ tầng kỹ thuật, thể chế và hướng dẫn, dữ liệu và phần mềm, ngân sách, "
            "tổ chức bộ máy; required for obstacles and recommendations."
        ),
        aliases=("theme", "chu de"),
        example=("hạ tầng kỹ thuật", "", "thể chế, hướng dẫn"),
    ),
    Column(
        "text",
        "Nội dung",
        gettext_lazy("What was found or recommended, as written."),
        required=True,
        aliases=("text", "description", "noi dung ghi nhan"),
        example=(
            "Một số xã vùng núi chưa có sóng di động ổn định.",
            "Tỷ lệ hồ sơ cấp xã giải quyết đúng hạn đạt 98,83%.",
            "Ban hành hướng dẫn thống nhất về thời gian giải quyết thủ tục bưu chính.",
        ),
    ),
    Column(
        "addressed_to",
        "Kiến nghị tới",
        gettext_lazy("Recommendations only: addressees by name, separated by “;”."),
        aliases=("addressed to", "gui toi", "co quan nhan"),
        example=("", "", "Bộ Khoa học và Công nghệ"),
    ),
    Column(
        "responsible_unit",
        "Đơn vị chủ trì",
        gettext_lazy("Recommendations only: the ministry unit responsible, by name."),
        aliases=("responsible unit", "don vi chu tri xu ly", "don vi"),
        example=("", "", "Cục Bưu điện Trung ương"),
    ),
    Column(
        "due_date",
        "Hạn xử lý",
        gettext_lazy("Recommendations only: dd/mm/yyyy."),
        aliases=("due date", "han", "thoi han"),
        example=("", "", "31/12/2025"),
    ),
    Column(
        "figure_label",
        "Chỉ tiêu",
        gettext_lazy("Achievements: what the figure measures."),
        aliases=("figure label", "figure", "chi so"),
        example=("", "Hồ sơ cấp xã giải quyết đúng hạn", ""),
    ),
    Column(
        "figure_qualifier",
        "Mức",
        gettext_lazy("đúng, trên, dưới or khoảng; blank means exactly."),
        aliases=("qualifier", "figure qualifier"),
        example=("", "đúng", ""),
    ),
    Column(
        "figure_value",
        "Số liệu",
        gettext_lazy("A number; a decimal comma is fine (98,83)."),
        aliases=("figure value", "value", "gia tri"),
        example=("", "98,83", ""),
    ),
    Column(
        "figure_unit",
        "Đơn vị tính",
        gettext_lazy("Unit of the figure: %, xã/phường…; required with a figure."),
        aliases=("figure unit", "unit", "don vi so lieu"),
        example=("", "%", ""),
    ),
    Column(
        "status",
        "Trạng thái",
        gettext_lazy(
            "Recommendations only, optional: the status to move to, as the pages name it "
            "(“đã báo cáo Lãnh đạo Bộ”); moves follow the lifecycle."
        ),
        aliases=("status", "tinh trang"),
        example=("", "", "đã báo cáo Lãnh đạo Bộ"),
    ),
    Column(
        "note",
        "Ghi chú trạng thái",
        gettext_lazy(
            "Recommendations only: the reason for the status change; the resolution note when "
            "it closes the recommendation."
        ),
        aliases=("note", "status note", "comment", "ghi chu"),
    ),
)
COLUMN_BY_NAME = {column.name: column for column in COLUMNS}
KEY_PATTERN = re.compile(r"^[\w.-]{1,64}$")
RECOMMENDATION_ONLY = ("addressed_to", "responsible_unit", "due_date", "status", "note")
FIGURE_COLUMNS = ("figure_label", "figure_qualifier", "figure_value", "figure_unit")
KIND_RECOMMENDATION = "recommendation"


def header_key(header) -> str:
    text = re.sub(r"\(.*?\)", "", str(header or ""))
    return fold_query(text.replace("*", "")).strip(" :")


HEADER_INDEX = {
    header_key(name): column.name
    for column in COLUMNS
    for name in (column.header, column.name, column.name.replace("_", " "), *column.aliases)
}


REQUIRED_COLUMNS = frozenset(column.name for column in COLUMNS if column.required)


def is_header(cells: list[str]) -> bool:
    """The header row of a visit-notes sheet: it names every required column (the reader looks
    for it below a report's title rows)."""
    return {HEADER_INDEX.get(header_key(cell)) for cell in cells} >= REQUIRED_COLUMNS


def is_key_column(header: str) -> bool:
    """A required column: a row after the table that fills too few of them is its footer."""
    return HEADER_INDEX.get(header_key(header)) in REQUIRED_COLUMNS


def match_headers(headers) -> tuple[list[str | None], list[str]]:
    """The column name of each header (None for a blank one) and what is wrong with the
    header row: unknown, repeated and missing columns."""
    names, seen, errors = [], set(), []
    for header in headers:
        key = header_key(header)
        if not key:
            names.append(None)
            continue
        name = HEADER_INDEX.get(key)
        if name is None:
            errors.append(
                _("Unknown column “%(header)s”. The columns are: %(columns)s.")
                % {"header": header, "columns": ", ".join(c.header for c in COLUMNS)}
            )
        elif name in seen:
            errors.append(_("The column “%(header)s” appears twice.") % {"header": header})
        seen.add(name)
        names.append(name)
    for column in COLUMNS:
        if column.required and column.name not in seen:
            errors.append(_("The column “%(header)s” is missing.") % {"header": column.header})
    return names, errors


def template_rows() -> Iterable[list[str]]:
    """The example rows of the template file: one obstacle, one achievement, one
    recommendation."""
    for index in range(3):
        yield [column.example[index] for column in COLUMNS]


def template_file(extension: str) -> bytes:
    """The template to download, as CSV (UTF-8 with the BOM Excel needs) or XLSX."""
    dataset = tablib.Dataset(*template_rows(), headers=[column.header for column in COLUMNS])
    if extension == "xlsx":
        return XLSX().export_data(dataset)
    return ("\ufeff" + CSV().export_data(dataset)).encode()
