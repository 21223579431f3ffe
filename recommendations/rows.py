"""The triage list's rows and the due-date cell, written in Python.

A list page of 50 recommendations rendered its row template 50 times, each with an include
for the due date, three translated column labels and two ``get_…_display`` lookups: about a
third of the page's time. Here the labels are looked up once per page and each row is one
string – the same markup, every value that is not already safe HTML escaped as the templates
escape it (``tracker.widgets.esc``).

The markup: a table row from ~900 px, a GOV.UK summary card below (CSS, ``data-label`` names
each cell on the card). The row's link carries the list's query and the row's position, so
the recommendation's page leads back to this list and on to the next one.
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tracker.widgets import esc

from . import list_columns
from .deadlines import meaning
from .models import Priority, Status

TEXT_SHOWN = 140
GROUP_TITLE_SHOWN = 40
NONE = '<span class="muted">—</span>'


def shortened(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with "…", as the ``truncatechars`` filter does;
    most texts are shorter and come back as they are."""
    return text if len(text) <= length else Truncator(text).chars(length)


def due_cell(recommendation, today=None, date_format=None) -> SafeString:
    """A recommendation's due date with what it means now ("quá hạn 5 ngày làm việc"): the
    one place every page renders it (``{% due_cell recommendation %}``)."""
    due = recommendation.due_date
    if not due:
        return mark_safe('<span class="muted">—</span>')
    today = today or timezone.localdate()
    date_format = date_format or formats.get_format("SHORT_DATE_FORMAT")
    what = meaning(
        due, closed=recommendation.is_closed, on_hold=recommendation.is_on_hold, today=today
    )
    return format_html(
        '<span class="due{}"><time datetime="{}">{}</time>{}</span>',
        " due--overdue" if recommendation.is_overdue_on(today) else "",
        due.isoformat(),
        dateformat.format(due, date_format),
        format_html(' <span class="due__meaning">{}</span>', what) if what else "",
    )


class ListRows:
    """The rows of one page of the list; ``render(recommendations)`` gives their HTML.

    ``columns``: the user's chosen columns after the text (``list_columns``), the defaults when
    not given. Each cell's opening tag is written once per page; the second line under the
    text names the province, the unit and the group unless they have columns of their own."""

    def __init__(
        self,
        *,
        list_query: str,
        first_position: int,
        selectable: bool,
        selected_ids,
        columns=None,
    ):
        self.back = quote(list_query, safe="/")
        self.first_position = first_position
        self.selectable = selectable
        self.selected_ids = selected_ids or set()
        self.today = timezone.localdate()
        self.date_format = formats.get_format("SHORT_DATE_FORMAT")
        self.due_cells = {}  # rows due the same day in the same state share their cell
        self.dates = {}  # likewise the created and updated days
        self.group_cells = {}
        # Every row's link is this address with its own id: reversed once, not 50 times.
        self.detail_url = reverse("recommendations:detail", args=[0]).removesuffix("0/")
        # The badge of each status and the marker of each priority, written once per page.
        self.badges = {
            status.value: f'<span class="badge badge--{status.value}">{esc(status.label)}</span>'
            for status in Status
        }
        self.markers = {
            priority.value: (
                f'<span class="priority priority--{priority.value}">{esc(priority.label)}</span>'
            )
            for priority in Priority
        }
        self.select_label = esc(_("Select recommendation no. %(number)s"))
        # Translated once per page, escaped where they are written.
        self.labels = {"no_unit": _("no unit yet"), "group": _("Group")}
        if columns is None:
            columns = list_columns.chosen(list_columns.DEFAULT_KEYS)
        keys = {column.key for column in columns}
        self.meta_parts = tuple(key for key in ("province", "unit", "group") if key not in keys)
        writers = {
            "status": self.status,
            "due": self.due,
            "priority": self.priority,
            "province": self.province,
            "unit": self.unit,
            "group": self.group_cell,
            "created": self.created,
            "updated": self.updated,
        }
        self.cells = tuple(
            (f'<td class="{c.key}-cell" data-label="{esc(c.label)}">', writers[c.key])
            for c in columns
        )

    def render(self, recommendations) -> SafeString:
        return mark_safe(  # each row escapes what it writes (see ``row``)
            "".join(
                self.row(recommendation, self.first_position + index)
                for index, recommendation in enumerate(recommendations)
            )
        )

    def row(self, recommendation, position: int) -> str:
        select = self.select_cell(recommendation) if self.selectable else ""
        cells = "".join([f"{opening}{write(recommendation)}</td>" for opening, write in self.cells])
        return (
            f'<tr class="list-row">{select}<td class="text-cell"><a class="row-link" '
            f'href="{self.detail_url}{recommendation.pk}/?back={self.back}&amp;pos={position}">'
            f"{esc(shortened(recommendation.text, TEXT_SHOWN))}</a>"
            f"{self.meta(recommendation)}</td>{cells}</tr>"
        )

    def meta(self, recommendation) -> str:
        """The quiet second line: province · unit · group, each unless it has its column."""
        parts = []
        if "province" in self.meta_parts:
            parts.append(esc(recommendation.province.name))
        if "unit" in self.meta_parts:
            unit = recommendation.responsible_unit
            parts.append(esc(unit.name if unit else self.labels["no_unit"]))
        if "group" in self.meta_parts and recommendation.group_id:
            parts.append(self.group_link(recommendation))
        return f'<span class="row-meta">{" · ".join(parts)}</span>' if parts else ""

    def status(self, recommendation) -> str:
        status = recommendation.status
        return self.badges.get(status) or esc(status)

    def priority(self, recommendation) -> str:
        priority = recommendation.priority
        return self.markers.get(priority) or esc(priority)

    def province(self, recommendation) -> str:
        return esc(recommendation.province.name)

    def unit(self, recommendation) -> str:
        unit = recommendation.responsible_unit
        if unit is None:
            return f'<span class="muted">{esc(self.labels["no_unit"])}</span>'
        return esc(unit.name)

    def group_cell(self, recommendation) -> str:
        if not recommendation.group_id:
            return NONE
        if recommendation.group_id not in self.group_cells:
            group = recommendation.group
            self.group_cells[recommendation.group_id] = (
                f'<a href="{esc(group.get_absolute_url())}">'
                f"{esc(shortened(group.title, GROUP_TITLE_SHOWN))}</a>"
            )
        return self.group_cells[recommendation.group_id]

    def created(self, recommendation) -> str:
        return self.day(recommendation.created_at)

    def updated(self, recommendation) -> str:
        return self.day(recommendation.updated_at)

    def day(self, moment) -> str:
        """A timestamp's day in Vietnam (dd/mm/yyyy), as a ``<time>``."""
        day = timezone.localdate(moment)
        if day not in self.dates:
            self.dates[day] = (
                f'<time datetime="{day.isoformat()}">'
                f"{dateformat.format(day, self.date_format)}</time>"
            )
        return self.dates[day]

    def due(self, recommendation) -> str:
        key = (recommendation.due_date, recommendation.status, recommendation.on_hold_since)
        if key not in self.due_cells:
            self.due_cells[key] = due_cell(recommendation, self.today, self.date_format)
        return self.due_cells[key]

    def select_cell(self, recommendation) -> str:
        checked = " checked" if recommendation.pk in self.selected_ids else ""
        label = self.select_label % {"number": recommendation.pk}  # escaped; the id is digits
        return (
            '<td class="select-cell"><label class="select-box"><input type="checkbox" '
            f'name="ids" value="{recommendation.pk}" form="bulk-form" data-select-row '
            f'data-targets="{esc(getattr(recommendation, "bulk_targets", ""))}"{checked}>'
            f'<span class="visually-hidden">{label}</span></label></td>'
        )

    def group_link(self, recommendation) -> str:
        title = shortened(recommendation.group.title, GROUP_TITLE_SHOWN)
        return (
            f'<a href="{esc(recommendation.group.get_absolute_url())}">'
            f"{esc(self.labels['group'])}: {esc(title)}</a>"
        )
