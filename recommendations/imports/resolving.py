"""Resolving a row: its cells parsed (dates, numbers, lists) and every reference in it
(province in any accepted spelling, campaign, delegation, fields, theme, responsible unit,
addressees) looked up in caches built with one query per table (``Lookups``)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from provinces.models import Province
from surveys.models import Delegation, Field, Finding, MinistryUnit, Survey, Theme
from tracker.formats.vi import formats as vi_formats
from tracker.text import fold_query

from ..models import Authority, Status
from .columns import FIGURE_COLUMNS, KEY_PATTERN, KIND_RECOMMENDATION, RECOMMENDATION_ONLY
from .report import RowOutcome

# ---------------------------------------------------------------------------------------------
# Cells


def text_of(value) -> str:
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
    return text_of(value)


#: The site's own input formats (``tracker/formats/vi``): a date a form accepts, the import
#: accepts, and the other way round – one list, not a second parser.
DATE_PATTERNS = [*vi_formats.DATE_INPUT_FORMATS, *vi_formats.DATETIME_INPUT_FORMATS]


def parse_date(value) -> datetime.date:
    """dd/mm/yyyy (also with - or .), ISO yyyy-mm-dd (with a time, as some exports write it),
    or a date cell of a spreadsheet."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = text_of(value)
    for pattern in DATE_PATTERNS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": text})


_DATE_TOKEN = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}")
_RANGE_SEPARATOR = re.compile(r"^\s*(?:-|–|—|đến|to)?\s*$")


def parse_date_range(value) -> tuple[datetime.date, datetime.date | None]:
    """A visit's date, "20/08/2025", or its range, "20/08/2025 - 22/08/2025" (also with –,
    "đến", or no spaces): the start date and the end date, None for one day."""
    if isinstance(value, datetime.date):
        return parse_date(value), None
    text = text_of(value)
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
    text = text_of(value).replace(" ", "").replace("\u00a0", "")
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
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text_of(value)})
    return number


def split_list(value) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text_of(value)) if part.strip()]


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
        self.province = Province.objects.resolver()
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
        self._folded, self._dates = {}, {}

    def fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold_query(text)
        return folded

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


def resolve(outcome: RowOutcome, lookups: Lookups) -> Row:
    """Turn the cells of one line into references, recording an error per bad cell."""
    cells = outcome.values
    row = Row(outcome=outcome)
    _resolve_identity(row, cells, lookups)
    _resolve_visit(row, cells, lookups)
    _resolve_content(row, cells, lookups)
    if row.kind == KIND_RECOMMENDATION:
        _resolve_recommendation(row, cells, lookups)
    elif row.kind:
        for name in RECOMMENDATION_ONLY:
            if text_of(cells.get(name)):
                outcome.error(name, _("Only recommendations have this column; leave it blank."))
        _resolve_figure(row, cells, lookups)
    return row


def _resolve_identity(row: Row, cells: dict, lookups: Lookups) -> None:
    """The row's key and kind."""
    outcome = row.outcome
    row.key = text_of(cells.get("key"))
    outcome.key = row.key
    if not row.key:
        outcome.error("key", _("Give the row a key."))
    elif not KEY_PATTERN.match(row.key):
        outcome.error("key", _("Use at most 64 letters, digits, “-”, “_” or “.”, without spaces."))

    kind = text_of(cells.get("kind"))
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


def _resolve_visit(row: Row, cells: dict, lookups: Lookups) -> None:
    """What identifies the visit: campaign, delegation, province and dates."""
    outcome = row.outcome
    survey = text_of(cells.get("survey"))
    row.survey = lookups.surveys.get(survey) if survey else lookups.default_survey
    if row.survey is None:
        outcome.error("survey", _("Unknown survey campaign “%(value)s”.") % {"value": survey})

    delegation = text_of(cells.get("delegation"))
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

    province = text_of(cells.get("province"))
    row.province = lookups.province(province) if province else None
    if not province:
        outcome.error("province", _("Give the province."))
    elif row.province is None:
        outcome.error("province", _("Unknown province “%(value)s”.") % {"value": province})

    visit_date = cells.get("visit_date")
    if text_of(visit_date) == "":
        outcome.error("visit_date", _("Give the date of the visit (dd/mm/yyyy)."))
    else:
        dates = lookups.date_range(visit_date)
        if isinstance(dates, ValueError):
            outcome.error("visit_date", dates)
        else:
            row.start_date, row.end_date = dates


def _resolve_content(row: Row, cells: dict, lookups: Lookups) -> None:
    """What was found or recommended: fields, theme and text."""
    outcome = row.outcome
    field_ids = set()
    for name in split_list(cells.get("fields")):
        item = lookups.fields.get(lookups.fold(name))
        if item is None:
            outcome.error("fields", _("Unknown field “%(value)s”.") % {"value": name})
        else:
            field_ids.add(item.pk)
    row.field_ids = frozenset(field_ids)

    theme = text_of(cells.get("theme"))
    row.theme = lookups.themes.get(lookups.fold(theme), "") if theme else ""
    if theme and not row.theme:
        outcome.error("theme", _("Unknown theme “%(value)s”.") % {"value": theme})

    row.text = text_of(cells.get("text"))
    if not row.text:
        outcome.error("text", _("The text is empty."))


def _resolve_recommendation(row: Row, cells: dict, lookups: Lookups) -> None:
    outcome = row.outcome
    authority_ids = set()
    for name in split_list(cells.get("addressed_to")):
        authority = lookups.authorities.get(lookups.fold(name))
        if authority is None:
            outcome.error("addressed_to", _("Unknown addressee “%(value)s”.") % {"value": name})
        else:
            authority_ids.add(authority.pk)
    row.authority_ids = frozenset(authority_ids)
    unit = text_of(cells.get("responsible_unit"))
    if unit:
        row.responsible_unit = lookups.units.get(lookups.fold(unit))
        if row.responsible_unit is None:
            outcome.error(
                "responsible_unit", _("Unknown ministry unit “%(value)s”.") % {"value": unit}
            )
    if text_of(cells.get("due_date")):
        try:
            row.due_date = parse_date(cells.get("due_date"))
        except ValueError as error:
            outcome.error("due_date", error)
    status = text_of(cells.get("status"))
    if status:
        row.status = lookups.statuses.get(lookups.fold(status), "")
        if not row.status:
            outcome.error("status", _("Unknown status “%(value)s”.") % {"value": status})
    row.note = text_of(cells.get("note"))
    for name in FIGURE_COLUMNS:
        if text_of(cells.get(name)):
            outcome.error(name, _("Recommendations have no figure; leave it blank."))


def _resolve_figure(row: Row, cells: dict, lookups: Lookups) -> None:
    outcome = row.outcome
    row.figure_label = text_of(cells.get("figure_label"))
    row.figure_unit = text_of(cells.get("figure_unit"))
    qualifier = text_of(cells.get("figure_qualifier"))
    if qualifier:
        row.figure_qualifier = lookups.qualifiers.get(lookups.fold(qualifier), "")
        if not row.figure_qualifier:
            outcome.error(
                "figure_qualifier",
                _("Write đúng, trên, dưới or khoảng, not “%(value)s”.") % {"value": qualifier},
            )
    value = cells.get("figure_value")
    if text_of(value):
        text = text_of(value)
        if isinstance(value, str) and text.endswith("%"):
            text = text.removesuffix("%").strip()
            row.figure_unit = row.figure_unit or "%"
        try:
            row.figure_value = parse_decimal(text if isinstance(value, str) else value)
        except ValueError as error:
            outcome.error("figure_value", error)
