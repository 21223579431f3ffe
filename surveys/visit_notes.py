"""The visit-notes import: one row per obstacle, achievement or recommendation of a visit.

An import runs in three steps inside one transaction:

1. *resolve*: every reference in a row (province in any accepted spelling, campaign, delegation,
   fields, theme, responsible unit, addressees) is looked up in caches built with one query per
   table;
2. *plan*: the visits, findings and recommendations the file names are loaded by key in one
   query each; each row is validated as the admin form would validate it (the model's field
   validation and ``clean()``; for recommendations the lifecycle and the permission rule through
   ``recommendation_import_check``) and classified new, update or unchanged;
3. *write*: only when no row has an error and it is not a dry run – ``bulk_create`` and
   ``bulk_update`` in batches (``tracker.bulk``).

One bad row and nothing is written: the report lists every bad row with its line, its column
and a message. Rows match on natural keys (the row key; a visit is its campaign, delegation,
province and date), so importing the same file twice changes nothing and a corrected file
updates in place. The admin (``surveys.resources.VisitNotesResource``) and the
``import_visit_notes`` command both call :func:`import_visit_notes`.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from provinces.models import Province, province_name_key
from recommendations import access
from recommendations.models import Authority, Recommendation, Status
from recommendations.services import (
    ImportedRecommendation,
    recommendation_import_check,
    recommendations_import_write,
)
from recommendations.similarity import similar_existing
from tracker.bulk import (
    bulk_insert,
    bulk_update,
    chunks,
    current_links,
    filter_in,
    replace_links,
)
from tracker.import_formats import CSV, XLSX
from tracker.text import fold_query

from .models import Delegation, Field, Finding, ImportBatch, MinistryUnit, Survey, Theme, Visit

IMPORT_PERMISSION = "surveys.import_visit_notes"


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


def _header_key(header) -> str:
    text = re.sub(r"\(.*?\)", "", str(header or ""))
    return fold_query(text.replace("*", "")).strip(" :")


_HEADER_INDEX = {
    _header_key(name): column.name
    for column in COLUMNS
    for name in (column.header, column.name, column.name.replace("_", " "), *column.aliases)
}


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class RowOutcome:
    """What the import does with one line of the file."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "skip"  # django-import-export's name for it
    INVALID = "invalid"

    line: int
    values: dict
    key: str = ""
    kind: str = ""
    action: str = ""
    errors: list[RowError] = field(default_factory=list)
    #: Existing recommendations a new one looks like (issue 12), shown in the preview.
    similar: list = field(default_factory=list)

    def error(self, column: str | None, message) -> None:
        header = COLUMN_BY_NAME[column].header if column else ""
        self.errors.append(RowError(self.line, header, str(message)))


@dataclass
class Report:
    """Everything an import decided, for the admin's preview and the command's output alike."""

    file_name: str
    dry_run: bool
    user: object = None
    rows: list[RowOutcome] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    visits_created: int = 0
    visits_updated: int = 0
    batch: ImportBatch | None = None

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(RowOutcome.NEW)

    @property
    def updated(self) -> int:
        return self.count(RowOutcome.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(RowOutcome.UNCHANGED)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        counts = _(
            "%(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s unchanged; "
            "visits: %(visits_created)s new, %(visits_updated)s updated."
        ) % {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "visits_created": self.visits_created,
            "visits_updated": self.visits_updated,
        }
        if not self.ok:
            problems = len(self.file_errors) + len(self.errors)
            return _("Nothing was imported: %(count)s errors.") % {"count": problems}
        if self.dry_run:
            return _("Dry run, nothing written. %(counts)s") % {"counts": counts}
        return _("Imported. %(counts)s") % {"counts": counts}

    @property
    def similar_notes(self) -> list[str]:
        """For each new recommendation that looks like an existing one, a line saying so."""
        return [
            _("Line %(line)s is like recommendation no. %(number)s of %(province)s (%(score)s%%).")
            % {
                "line": row.line,
                "number": item.recommendation.pk,
                "province": item.recommendation.province.name,
                "score": item.score,
            }
            for row in self.rows
            for item in row.similar
        ]

    def lines(self, *, every_row: bool = False) -> list[str]:
        """The report as text: the file's errors, each bad row, optionally every row, the
        totals."""
        who = self.user.get_username() if self.user else _("the system")
        out = [_("File %(file)s, imported by %(who)s.") % {"file": self.file_name, "who": who}]
        out += [_("Error: %(message)s") % {"message": message} for message in self.file_errors]
        labels = dict(ACTION_LABELS)
        for row in self.rows:
            if row.errors:
                out += [str(error) for error in row.errors]
            elif every_row:
                out.append(
                    _("Line %(line)s: %(key)s – %(action)s")
                    % {"line": row.line, "key": row.key, "action": labels[row.action]}
                )
        out.append(self.summary())
        return out


ACTION_LABELS = (
    (RowOutcome.NEW, pgettext_lazy("import row", "new")),
    (RowOutcome.UPDATE, pgettext_lazy("import row", "updated")),
    (RowOutcome.UNCHANGED, pgettext_lazy("import row", "unchanged")),
    (RowOutcome.INVALID, pgettext_lazy("import row", "error")),
)


# ---------------------------------------------------------------------------------------------
# Who may import


def can_import(user) -> bool:
    """Admins and ministry staff with the import permission; a provincial officer with it, for
    their own province. ``None`` is the system (a command run without ``--user``)."""
    if user is None:
        return True
    if not user.is_active or not user.has_perm(IMPORT_PERMISSION):
        return False
    return access.is_ministry_staff(user) or access.officer_province_id(user) is not None


# ---------------------------------------------------------------------------------------------
# Parsing cells


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def display_value(value):
    """A cell as the preview shows it: dates as dates (dd/mm/yyyy on the page), "2" rather
    than the "2.0" a spreadsheet number cell gives, everything else as its text."""
    if isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    return _text(value)


_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def parse_date(value) -> datetime.date:
    """dd/mm/yyyy (also with - or .), ISO yyyy-mm-dd, or a date cell of a spreadsheet."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    try:
        if match := _DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := _ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        pass
    raise ValueError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": text})


_DATE_TOKEN = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}")
_RANGE_SEPARATOR = re.compile(r"^\s*(?:-|–|—|đến|to)?\s*$")


def parse_date_range(value) -> tuple[datetime.date, datetime.date | None]:
    """A visit's date, "20/08/2025", or its range, "20/08/2025 - 22/08/2025" (also with –,
    "đến", or no spaces): the start date and the end date, None for one day."""
    if isinstance(value, datetime.date):
        return parse_date(value), None
    text = _text(value)
    tokens = _DATE_TOKEN.findall(text)
    if len(tokens) == 2:
        between = text[text.index(tokens[0]) + len(tokens[0]) : text.rindex(tokens[1])]
        if _RANGE_SEPARATOR.match(between):
            start, end = parse_date(tokens[0]), parse_date(tokens[1])
            if end < start:
                raise ValueError(_("The visit ends before it starts."))
            return start, end if end != start else None
    return parse_date(text), None


def parse_decimal(value) -> Decimal:
    """A number as an office writes it: 98,83 or 98.83, 1.234,5, 12 500; ints and floats from
    spreadsheet cells."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value).replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": _text(value)})
    return number


def _split(value) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", _text(value)) if part.strip()]


# ---------------------------------------------------------------------------------------------
# Lookups: one query per table, then dictionaries


def _choice_index(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Folded label (Vietnamese and English) or value → value."""
    index = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in choices:
                index[fold_query(str(label))] = value
    for value, _label in choices:
        index[fold_query(str(value))] = value
        index[fold_query(str(value).replace("_", " "))] = value
    for alias, value in (extra or {}).items():
        index[fold_query(alias)] = value
    return index


KIND_ALIASES = {
    "khó khăn": Finding.Kind.OBSTACLE,
    "vướng mắc": Finding.Kind.OBSTACLE,
    "khó khăn, vướng mắc": Finding.Kind.OBSTACLE,
    "hạn chế": Finding.Kind.OBSTACLE,
    "kết quả": Finding.Kind.ACHIEVEMENT,
    "kết quả đạt được": Finding.Kind.ACHIEVEMENT,
    "kiến nghị": KIND_RECOMMENDATION,
    "đề xuất": KIND_RECOMMENDATION,
    "kiến nghị, đề xuất": KIND_RECOMMENDATION,
    "recommendation": KIND_RECOMMENDATION,
}
THEME_ALIASES = {
    "hạ tầng": Theme.INFRASTRUCTURE,
    "thể chế": Theme.LEGAL,
    "hướng dẫn": Theme.LEGAL,
    "thể chế, hướng dẫn": Theme.LEGAL,
    "dữ liệu, phần mềm": Theme.DATA_SOFTWARE,
    "dữ liệu và phần mềm": Theme.DATA_SOFTWARE,
    "nhân sự": Theme.HUMAN_RESOURCES,
    "tổ chức bộ máy": Theme.ORGANISATION,
    "tổ chức": Theme.ORGANISATION,
    "biên chế": Theme.ORGANISATION,
    "dự toán": Theme.BUDGET,
}
QUALIFIER_ALIASES = {"chính xác": Finding.Qualifier.EXACT, "hơn": Finding.Qualifier.OVER}


class Lookups:
    """Everything a row may refer to, loaded once per import."""

    def __init__(self):
        provinces = list(Province.objects.all())
        self.province_by_code = {province.code: province for province in provinces}
        self.province_by_name = Province.objects.name_index()
        self.surveys = {survey.slug: survey for survey in Survey.objects.all()}
        self.default_survey = self.surveys.get(settings.VISIT_NOTES_DEFAULT_SURVEY)
        self.delegations = {
            (delegation.survey_id, delegation.number): delegation
            for delegation in Delegation.objects.all()
        }
        self.fields = {}
        for item in Field.objects.all():
            for name in (item.name, item.code, item.english_name):
                if name:
                    self.fields[fold_query(name)] = item
        self.units = {}
        for unit in MinistryUnit.objects.all():
            for name in (unit.name, unit.english_name):
                if name:
                    self.units[fold_query(name)] = unit
        self.authorities = {}
        for authority in Authority.objects.all():
            self.authorities[fold_query(authority.name)] = authority
            self.authorities[fold_query(authority.code)] = authority
        self.kinds = _choice_index(Finding.Kind.choices, KIND_ALIASES)
        self.themes = _choice_index(Theme.choices, THEME_ALIASES)
        self.qualifiers = _choice_index(Finding.Qualifier.choices, QUALIFIER_ALIASES)
        self.statuses = _choice_index(Status.choices)

        # A file repeats the same few spellings thousands of times: fold and parse each once.
        self._folded, self._provinces, self._dates = {}, {}, {}

    def fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold_query(text)
        return folded

    def province(self, value) -> Province | None:
        text = _text(value)
        if text not in self._provinces:
            if text.isdigit():
                found = self.province_by_code.get(text.zfill(2))
            else:
                found = self.province_by_name.get(province_name_key(text))
            self._provinces[text] = found
        return self._provinces[text]

    def date_range(self, value):
        """``parse_date_range(value)``, or the ValueError it raised."""
        if value not in self._dates:
            try:
                self._dates[value] = parse_date_range(value)
            except ValueError as error:
                self._dates[value] = error
        return self._dates[value]


# ---------------------------------------------------------------------------------------------
# One row, resolved


@dataclass
class Row:
    outcome: RowOutcome
    key: str = ""
    kind: str = ""
    survey: Survey | None = None
    delegation: Delegation | None = None
    province: Province | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    field_ids: frozenset[int] = frozenset()
    theme: str = ""
    text: str = ""
    authority_ids: frozenset[int] = frozenset()
    responsible_unit: MinistryUnit | None = None
    due_date: datetime.date | None = None
    figure_label: str = ""
    figure_qualifier: str = Finding.Qualifier.EXACT
    figure_value: Decimal | None = None
    figure_unit: str = ""
    status: str = ""
    note: str = ""


def _resolve(outcome: RowOutcome, lookups: Lookups) -> Row:
    """Turn the cells of one line into references, recording an error per bad cell."""
    cells = outcome.values
    row = Row(outcome=outcome)

    row.key = _text(cells.get("key"))
    outcome.key = row.key
    if not row.key:
        outcome.error("key", _("Give the row a key."))
    elif not KEY_PATTERN.match(row.key):
        outcome.error("key", _("Use at most 64 letters, digits, “-”, “_” or “.”, without spaces."))

    kind = _text(cells.get("kind"))
    row.kind = lookups.kinds.get(lookups.fold(kind), "")
    outcome.kind = row.kind
    if not kind:
        outcome.error(
            "kind", _("Say whether the row is an obstacle, achievement or recommendation.")
        )
    elif not row.kind:
        outcome.error(
            "kind",
            _("“%(value)s” is not a kind of row: write khó khăn, kết quả or kiến nghị.")
            % {"value": kind},
        )

    survey = _text(cells.get("survey"))
    row.survey = lookups.surveys.get(survey) if survey else lookups.default_survey
    if row.survey is None:
        outcome.error("survey", _("Unknown survey campaign “%(value)s”.") % {"value": survey})

    delegation = _text(cells.get("delegation"))
    if delegation and row.survey is not None:
        number = delegation.removeprefix("Đoàn").removeprefix("đoàn").strip()
        row.delegation = (
            lookups.delegations.get((row.survey.pk, int(number))) if number.isdigit() else None
        )
        if row.delegation is None:
            outcome.error(
                "delegation",
                _("The campaign has no delegation “%(value)s”.") % {"value": delegation},
            )

    province = _text(cells.get("province"))
    row.province = lookups.province(province) if province else None
    if not province:
        outcome.error("province", _("Give the province."))
    elif row.province is None:
        outcome.error("province", _("Unknown province “%(value)s”.") % {"value": province})

    visit_date = cells.get("visit_date")
    if _text(visit_date) == "":
        outcome.error("visit_date", _("Give the date of the visit (dd/mm/yyyy)."))
    else:
        dates = lookups.date_range(visit_date)
        if isinstance(dates, ValueError):
            outcome.error("visit_date", dates)
        else:
            row.start_date, row.end_date = dates

    field_ids = set()
    for name in _split(cells.get("fields")):
        item = lookups.fields.get(lookups.fold(name))
        if item is None:
            outcome.error("fields", _("Unknown field “%(value)s”.") % {"value": name})
        else:
            field_ids.add(item.pk)
    row.field_ids = frozenset(field_ids)

    theme = _text(cells.get("theme"))
    row.theme = lookups.themes.get(lookups.fold(theme), "") if theme else ""
    if theme and not row.theme:
        outcome.error("theme", _("Unknown theme “%(value)s”.") % {"value": theme})

    row.text = _text(cells.get("text"))
    if not row.text:
        outcome.error("text", _("The text is empty."))

    if row.kind == KIND_RECOMMENDATION:
        _resolve_recommendation(row, cells, lookups)
    elif row.kind:
        for name in RECOMMENDATION_ONLY:
            if _text(cells.get(name)):
                outcome.error(name, _("Only recommendations have this column; leave it blank."))
        _resolve_figure(row, cells, lookups)
    return row


def _resolve_recommendation(row: Row, cells: dict, lookups: Lookups) -> None:
    outcome = row.outcome
    authority_ids = set()
    for name in _split(cells.get("addressed_to")):
        authority = lookups.authorities.get(lookups.fold(name))
        if authority is None:
            outcome.error("addressed_to", _("Unknown addressee “%(value)s”.") % {"value": name})
        else:
            authority_ids.add(authority.pk)
    row.authority_ids = frozenset(authority_ids)
    unit = _text(cells.get("responsible_unit"))
    if unit:
        row.responsible_unit = lookups.units.get(lookups.fold(unit))
        if row.responsible_unit is None:
            outcome.error(
                "responsible_unit", _("Unknown ministry unit “%(value)s”.") % {"value": unit}
            )
    if _text(cells.get("due_date")):
        try:
            row.due_date = parse_date(cells.get("due_date"))
        except ValueError as error:
            outcome.error("due_date", error)
    status = _text(cells.get("status"))
    if status:
        row.status = lookups.statuses.get(lookups.fold(status), "")
        if not row.status:
            outcome.error("status", _("Unknown status “%(value)s”.") % {"value": status})
    row.note = _text(cells.get("note"))
    for name in FIGURE_COLUMNS:
        if _text(cells.get(name)):
            outcome.error(name, _("Recommendations have no figure; leave it blank."))


def _resolve_figure(row: Row, cells: dict, lookups: Lookups) -> None:
    outcome = row.outcome
    row.figure_label = _text(cells.get("figure_label"))
    row.figure_unit = _text(cells.get("figure_unit"))
    qualifier = _text(cells.get("figure_qualifier"))
    if qualifier:
        row.figure_qualifier = lookups.qualifiers.get(lookups.fold(qualifier), "")
        if not row.figure_qualifier:
            outcome.error(
                "figure_qualifier",
                _("Write đúng, trên, dưới or khoảng, not “%(value)s”.") % {"value": qualifier},
            )
    value = cells.get("figure_value")
    if _text(value):
        text = _text(value)
        if isinstance(value, str) and text.endswith("%"):
            text = text.removesuffix("%").strip()
            row.figure_unit = row.figure_unit or "%"
        try:
            row.figure_value = parse_decimal(text if isinstance(value, str) else value)
        except ValueError as error:
            outcome.error("figure_value", error)


# ---------------------------------------------------------------------------------------------
# The import


#: Model field → the column its errors are reported under.
ERROR_COLUMNS = {
    "key": "key",
    "description": "text",
    "text": "text",
    "theme": "theme",
    "kind": "kind",
    "figure_label": "figure_label",
    "figure_value": "figure_value",
    "figure_unit": "figure_unit",
    "figure_qualifier": "figure_qualifier",
    "visit": "visit_date",
    "province": "province",
    "responsible_unit": "responsible_unit",
    "due_date": "due_date",
    "comment": "note",
    "resolution_note": "note",
    "status": "status",
}
#: The fields a row sets, validated as the admin form validates them (field validators, then
#: ``clean()``). Foreign keys and many-to-many fields come from the caches, so they exist:
#: checking them again would cost a query per row; fields the import never sets need nothing.
VALIDATED = {
    Finding: {
        "key",
        "kind",
        "theme",
        "description",
        "figure_label",
        "figure_value",
        "figure_unit",
        "figure_qualifier",
    },
    Recommendation: {"key", "text", "theme", "due_date"},
}
_NOT_VALIDATED = {
    model: [f.name for f in model._meta.get_fields() if f.name not in names]
    for model, names in VALIDATED.items()
}
FINDING_WRITES = [
    "kind",
    "survey",
    "visit",
    "province",
    "theme",
    "description",
    "figure_label",
    "figure_value",
    "figure_unit",
    "figure_qualifier",
]


def _validation_errors(outcome: RowOutcome, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            column = ERROR_COLUMNS.get(name)
            for message in messages:
                outcome.error(column, message)
    else:
        for message in error.messages:
            outcome.error("status", message)


def _full_clean(instance, outcome: RowOutcome) -> None:
    """The validation the admin form runs on the fields the row sets (see ``VALIDATED``)."""
    try:
        instance.full_clean(
            exclude=_NOT_VALIDATED[type(instance)],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        _validation_errors(outcome, error)


class VisitNotesImport:
    """One run over a dataset; see the module's docstring."""

    def __init__(
        self, dataset, *, user, file_name: str, dry_run: bool, via: str, record_dry_run: bool
    ):
        self.dataset = dataset
        self.user = user
        self.dry_run = dry_run
        self.via = via
        self.record_dry_run = record_dry_run
        self.report = Report(file_name=file_name, dry_run=dry_run, user=user)
        self.officer_province_id = access.officer_province_id(user) if user else None
        self.officer_province = None

    # -- reading ----------------------------------------------------------------------------

    def _columns(self) -> list[str | None]:
        """The column name of each header, recording unknown, repeated and missing ones."""
        headers = list(self.dataset.headers or [])
        names, seen = [], set()
        for header in headers:
            name = _HEADER_INDEX.get(_header_key(header))
            if not _header_key(header):
                names.append(None)
                continue
            if name is None:
                self.report.file_errors.append(
                    _("Unknown column “%(header)s”. The columns are: %(columns)s.")
                    % {"header": header, "columns": ", ".join(c.header for c in COLUMNS)}
                )
            elif name in seen:
                self.report.file_errors.append(
                    _("The column “%(header)s” appears twice.") % {"header": header}
                )
            seen.add(name)
            names.append(name)
        for column in COLUMNS:
            if column.required and column.name not in seen:
                self.report.file_errors.append(
                    _("The column “%(header)s” is missing.") % {"header": column.header}
                )
        return names

    def _outcomes(self, names) -> list[RowOutcome]:
        outcomes = []
        for index, values in enumerate(self.dataset, start=2):  # line 1 is the header
            if all(_text(value) == "" for value in values):
                continue  # a blank line inside the sheet
            cells = {name: value for name, value in zip(names, values, strict=False) if name}
            outcomes.append(RowOutcome(line=index, values=cells))
        return outcomes

    # -- planning ---------------------------------------------------------------------------

    def run(self) -> Report:
        report = self.report
        if not can_import(self.user):
            raise PermissionDenied(_("You may not import visit notes."))
        if self.officer_province_id is not None:
            self.officer_province = Province.objects.get(pk=self.officer_province_id)
        names = self._columns()
        if report.file_errors:
            return report
        report.rows = self._outcomes(names)
        if not report.rows:
            report.file_errors.append(_("The file has no rows to import."))
            return report
        if len(report.rows) > settings.IMPORT_MAX_ROWS:
            report.file_errors.append(
                _("The file has %(count)s rows; at most %(limit)s can be imported at once.")
                % {"count": len(report.rows), "limit": settings.IMPORT_MAX_ROWS}
            )
            return report

        with transaction.atomic():
            lookups = Lookups()
            rows = [_resolve(outcome, lookups) for outcome in report.rows]
            self._check_keys_unique(rows)
            plan = self._plan(rows)
            for outcome in report.rows:
                if outcome.errors:
                    outcome.action = RowOutcome.INVALID
            if report.ok and (self.record_dry_run or not self.dry_run):
                report.batch = self._record_batch()
            if report.ok and not self.dry_run:
                self._write(plan)
        return report

    def _check_keys_unique(self, rows: list[Row]) -> None:
        first_line = {}
        for row in rows:
            if not row.key:
                continue
            if row.key in first_line:
                row.outcome.error(
                    "key",
                    _("The key “%(key)s” is already used on line %(line)s.")
                    % {"key": row.key, "line": first_line[row.key]},
                )
            else:
                first_line[row.key] = row.outcome.line

    def _in_scope(self, province_id) -> bool:
        return self.officer_province_id is None or province_id == self.officer_province_id

    def _scope_error(self, row: Row) -> None:
        row.outcome.error(
            "province",
            _("You may import only rows of %(province)s.") % {"province": self.officer_province},
        )

    def _plan(self, rows: list[Row]) -> dict:
        valid = [row for row in rows if not row.outcome.errors]
        keys = [row.key for row in valid]
        lock = not self.dry_run
        findings = self._load(Finding.objects.all(), keys, lock)
        recommendations = self._load(Recommendation.objects.all(), keys, lock)
        finding_fields = current_links(Finding._meta.get_field("fields"), _pks(findings))
        rec_fields = current_links(Recommendation._meta.get_field("fields"), _pks(recommendations))
        rec_authorities = current_links(
            Recommendation._meta.get_field("addressed_to"), _pks(recommendations)
        )
        visits = self._visits(valid, lock)

        plan = {"visits_new": [], "visits_changed": [], "findings": [], "recommendations": []}
        planned_visits = {}
        for row in valid:
            outcome = row.outcome
            if not self._in_scope(row.province.pk):
                self._scope_error(row)
                continue
            visit = self._visit_for(row, visits, planned_visits, plan)
            if visit is None:
                continue
            if row.kind == KIND_RECOMMENDATION:
                if row.key in findings:
                    outcome.error("kind", _("This key belongs to an obstacle or achievement."))
                    continue
                existing = recommendations.get(row.key)
                self._plan_recommendation(row, visit, existing, rec_fields, rec_authorities, plan)
            else:
                if row.key in recommendations:
                    outcome.error("kind", _("This key belongs to a recommendation."))
                    continue
                self._plan_finding(row, visit, findings.get(row.key), finding_fields, plan)
        self.report.visits_created = len(plan["visits_new"])
        self.report.visits_updated = len(plan["visits_changed"])
        return plan

    @staticmethod
    def _load(queryset, keys: list[str], lock: bool) -> dict:
        queryset = queryset.order_by()  # the default orderings join, and FOR UPDATE cannot
        if lock:
            # Rows the import will write are locked until it commits, as the services lock the
            # one row they change (a no-op on SQLite, which locks the whole database on write).
            queryset = queryset.select_for_update()
        found = {}
        for chunk in chunks(keys):
            found.update({obj.key: obj for obj in filter_in(queryset, "key", chunk)})
        return found

    def _visits(self, rows: list[Row], lock: bool) -> dict:
        survey_ids = {row.survey.pk for row in rows}
        province_ids = {row.province.pk for row in rows}
        queryset = Visit.objects.filter(survey_id__in=survey_ids, province_id__in=province_ids)
        if lock:
            queryset = queryset.select_for_update()
        visits = {}
        for visit in queryset.order_by("pk"):  # the oldest visit wins if two share a key
            visits.setdefault(
                (visit.survey_id, visit.delegation_id, visit.province_id, visit.start_date), visit
            )
        return visits

    def _visit_for(self, row: Row, visits: dict, planned: dict, plan: dict) -> Visit | None:
        """The visit the row belongs to: found by campaign, delegation, province and date, or
        planned once for all its rows."""
        delegation_id = row.delegation.pk if row.delegation else None
        natural_key = (row.survey.pk, delegation_id, row.province.pk, row.start_date)
        if natural_key in planned:
            visit, line = planned[natural_key]
            if row.end_date and visit.end_date != row.end_date:
                row.outcome.error(
                    "visit_date",
                    _("Line %(line)s gives this visit another end date.") % {"line": line},
                )
                return None
            return visit
        visit = visits.get(natural_key)
        if visit is None:
            visit = Visit(
                survey=row.survey,
                delegation=row.delegation,
                province=row.province,
                start_date=row.start_date,
                end_date=row.end_date,
            )
            plan["visits_new"].append(visit)
        elif row.end_date and visit.end_date != row.end_date:
            visit.end_date = row.end_date
            plan["visits_changed"].append(visit)
        planned[natural_key] = (visit, row.outcome.line)
        return visit

    def _plan_finding(self, row: Row, visit: Visit, finding, links: dict, plan: dict) -> None:
        outcome = row.outcome
        if finding is not None and not self._in_scope(finding.province_id):
            self._scope_error(row)
            return
        values = {
            "kind": row.kind,
            "survey": row.survey,
            "visit": visit,
            "province": row.province,
            "theme": row.theme,
            "description": row.text,
            "figure_label": row.figure_label,
            "figure_value": row.figure_value,
            "figure_unit": row.figure_unit,
            "figure_qualifier": row.figure_qualifier or Finding.Qualifier.EXACT,
        }
        if finding is None:
            finding = Finding(key=row.key, **values)
            outcome.action = RowOutcome.NEW
        else:
            changed = (
                _assign(finding, values) or links.get(finding.pk, frozenset()) != row.field_ids
            )
            outcome.action = RowOutcome.UPDATE if changed else RowOutcome.UNCHANGED
        _full_clean(finding, outcome)
        if outcome.action != RowOutcome.UNCHANGED:
            plan["findings"].append((finding, row.field_ids))

    def _plan_recommendation(
        self, row: Row, visit: Visit, recommendation, fields: dict, authorities: dict, plan: dict
    ) -> None:
        outcome = row.outcome
        if recommendation is not None and not self._in_scope(recommendation.province_id):
            self._scope_error(row)
            return
        values = {
            "province": row.province,
            "visit": visit,
            "text": row.text,
            "theme": row.theme,
        }
        triage = {"responsible_unit": row.responsible_unit, "due_date": row.due_date}
        if recommendation is None:
            recommendation = Recommendation(key=row.key, **values, **triage)
            changed_triage = {name: value for name, value in triage.items() if value}
            outcome.action = RowOutcome.NEW
            field_ids, authority_ids = row.field_ids, row.authority_ids
            if self.dry_run:  # the preview flags a new one that looks like an existing one
                outcome.similar = similar_existing(row.text, row.province, 3)
        else:
            unit = row.responsible_unit
            changed_triage = {
                name: value
                for name, value, current, wanted in (
                    (
                        "responsible_unit",
                        unit,
                        recommendation.responsible_unit_id,
                        unit and unit.pk,
                    ),
                    ("due_date", row.due_date, recommendation.due_date, row.due_date),
                )
                if current != wanted
            }
            changed = _assign(recommendation, {**values, **triage})
            field_ids = (
                row.field_ids
                if fields.get(recommendation.pk, frozenset()) != row.field_ids
                else None
            )
            authority_ids = (
                row.authority_ids
                if authorities.get(recommendation.pk, frozenset()) != row.authority_ids
                else None
            )
            changed = changed or field_ids is not None or authority_ids is not None
            changed = changed or (row.status and row.status != recommendation.status)
            outcome.action = RowOutcome.UPDATE if changed else RowOutcome.UNCHANGED
        if not row.theme:
            outcome.error("theme", _("Give the theme of the recommendation."))
        _full_clean(recommendation, outcome)
        if outcome.action == RowOutcome.UNCHANGED:
            return
        item = ImportedRecommendation(
            recommendation=recommendation,
            status=row.status
            or (Status.NEW if recommendation.pk is None else recommendation.status),
            note=row.note,
            triage_changes=_triage_messages(changed_triage),
            field_ids=field_ids,
            authority_ids=authority_ids,
        )
        try:
            recommendation_import_check(item, by=self.user)
        except PermissionDenied as error:
            outcome.error("status" if row.status else "province", error)
        except ValidationError as error:
            _validation_errors(outcome, error)
        else:
            plan["recommendations"].append(item)

    # -- writing ----------------------------------------------------------------------------

    def _record_batch(self) -> ImportBatch:
        report = self.report
        name = report.file_name.lower()
        return ImportBatch.objects.create(
            user=self.user,
            file_name=report.file_name[:255],
            file_format=ImportBatch.Format.XLSX
            if name.endswith(".xlsx")
            else ImportBatch.Format.CSV,
            via=self.via,
            dry_run=self.dry_run,
            rows=len(report.rows),
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            visits_created=report.visits_created,
            visits_updated=report.visits_updated,
        )

    def _write(self, plan: dict) -> None:
        batch = self.report.batch
        now = timezone.now()
        for visit in plan["visits_new"]:
            visit.import_batch = batch
        bulk_insert(plan["visits_new"])
        for visit in plan["visits_changed"]:
            visit.import_batch, visit.updated_at = batch, now
        bulk_update(plan["visits_changed"], ["end_date", "import_batch", "updated_at"])

        new = [finding for finding, _ids in plan["findings"] if finding.pk is None]
        changed = [finding for finding, _ids in plan["findings"] if finding.pk is not None]
        for finding, _ids in plan["findings"]:
            finding.import_batch, finding.updated_at = batch, now
        bulk_insert(new)
        bulk_update(changed, [*FINDING_WRITES, "import_batch", "updated_at"])
        replace_links(
            Finding._meta.get_field("fields"),
            {finding.pk: ids for finding, ids in plan["findings"]},
        )
        recommendations_import_write(
            plan["recommendations"],
            by=self.user,
            batch=batch,
            opening_comment=_("Recorded by import batch #%(batch)s (%(file)s).")
            % {"batch": batch.pk, "file": batch.file_name},
        )


def _pks(objects: dict) -> list[int]:
    return [obj.pk for obj in objects.values()]


def _assign(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; True if any differed. Foreign keys compare by id, and
    are always set so that ``clean()`` finds the cached object instead of querying for it."""
    changed = False
    for name, value in values.items():
        field_ = instance._meta.get_field(name)
        if field_.is_relation:
            new_id = None if value is None else value.pk
            if (value is not None and new_id is None) or getattr(
                instance, field_.attname
            ) != new_id:
                changed = True
        elif getattr(instance, name) != value:
            changed = True
        setattr(instance, name, value)
    return changed


def _triage_messages(changes: dict) -> list[str]:
    messages = []
    if "responsible_unit" in changes:
        messages.append(
            _("Responsible unit: %(unit)s") % {"unit": changes["responsible_unit"] or "—"}
        )
    if "due_date" in changes:
        due = changes["due_date"]
        messages.append(
            _("Due date: %(date)s") % {"date": due.strftime("%d/%m/%Y") if due else "—"}
        )
    return messages


def import_visit_notes(
    dataset,
    *,
    user,
    file_name: str,
    dry_run: bool = False,
    via: str = ImportBatch.Via.ADMIN,
    record_dry_run: bool = False,
) -> Report:
    """Import a visit-notes dataset (a ``tablib.Dataset`` read by ``tracker.import_formats``).

    Raises PermissionDenied when ``user`` may not import at all; everything else wrong with the
    file is in the returned report, and then nothing has been written. A batch is recorded for
    an import that wrote, and for a dry run when ``record_dry_run`` (the command's --dry-run;
    the admin's preview is a step of an import, not one).
    """
    return VisitNotesImport(
        dataset,
        user=user,
        file_name=file_name,
        dry_run=dry_run,
        via=via,
        record_dry_run=record_dry_run,
    ).run()


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
