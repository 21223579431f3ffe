import hashlib
from dataclasses import dataclass
from functools import lru_cache, partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.forms import Textarea
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, View
from django_filters.views import FilterMixin

from surveys.models import Finding, Theme, Visit
from tracker import reference
from tracker.cache import kept
from tracker.views import FilteredListView

from . import access, exports, list_columns, workdays
from .filters import ALL_PROVINCES, NOT_ASSIGNED, RecommendationFilter
from .forms import (
    BulkTriageForm,
    ProgressNoteForm,
    StatusChangeForm,
    TriageForm,
    add_service_errors,
)
from .models import Recommendation, Status, StatusChange
from .public import data_version
from .reporting import dashboard as reporting_dashboard
from .rows import ListRows
from .services import (
    StaleRecommendation,
    recommendation_add_note,
    recommendation_transition,
    recommendation_triage,
    recommendations_bulk_apply,
)
from .views_evidence import evidence_context, proposal_of

OLDEST_OPEN_SHOWN = 5


def absolute_url(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def list_url(**filters) -> str:
    """The triage list filtered to exactly ``filters`` (what a dashboard number links to)."""
    url, query = _list_path(get_script_prefix()), urlencode(filters, doseq=True)
    return f"{url}?{query}" if query else url


@lru_cache(maxsize=8)
def _list_path(script_prefix: str) -> str:
    # The dashboard links a few hundred numbers to the list: its address reversed once (per
    # script prefix, which ``reverse`` reads), not once per number.
    return reverse("recommendations:list")


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str
    percent: int


def bars(rows) -> list[Bar]:
    """(label, count, url) rows as bars sized against the group's largest count."""
    rows = list(rows)
    largest = max((count for _label, count, _url in rows), default=0)
    return [
        Bar(str(label), count, url, round(100 * count / largest) if largest else 0)
        for label, count, url in rows
    ]


def list_url_for(user, **filters) -> str:
    """``list_url`` for ``user``: an officer's list keeps to their province unless told
    otherwise, so a number counted over every province links to every province."""
    if access.is_provincial_officer(user) and "province" not in filters:
        filters["scope"] = ALL_PROVINCES
    return list_url(**filters)


def dashboard(request):
    """The ministry's overview: how many recommendations, where they stand, who holds them;
    the trends under it; ``?as_of=dd/mm/yyyy`` turns it into the picture of that day."""
    today = timezone.localdate()
    as_of_form = reporting_dashboard.AsOfForm(request.GET or None)
    day = today
    if as_of_form.is_valid() and as_of_form.cleaned_data.get("as_of"):
        day = as_of_form.cleaned_data["as_of"]
    link = partial(list_url_for, request.user)
    if day == today:
        context = _dashboard_today(request, today, link)
    else:
        context = reporting_dashboard.as_of_context(day, link, bars)
    # The trends come from the history (reporting.asof) for today and any past day alike.
    context.update(reporting_dashboard.trends(reporting_dashboard.summary(day), link))
    unit_days = [(name, round(median), url) for name, median, url, *_rest in context["timing_rows"]]
    context.update(
        as_of_form=as_of_form,
        as_of=day if day != today else None,
        today=today,
        timing_bars=bars(unit_days),
        reads_reports=access.is_ministry_staff(request.user),
    )
    return render(request, "recommendations/dashboard.html", context)


def _dashboard_today(request, today, link) -> dict:
    """Today's overview, counted live (tests/recommendations/test_reporting_asof.py checks
    that the history gives the same numbers) or read from the cache while no recommendation
    has changed (``_today_counts``)."""
    counts = _today_counts(today)
    summary = counts["summary"]
    return {
        "cards": [
            ("total", summary["total"], link()),
            ("open", summary["open"], link(state="open")),
            ("overdue", summary["overdue"], link(overdue="yes")),
            ("resolved", summary["resolved"], link(status=Status.RESOLVED)),
        ],
        "by_status": bars(
            (Status(value).label, count, link(status=value)) for value, count in counts["status"]
        ),
        "by_province": bars(
            (name, count, link(province=code)) for name, code, count in counts["province"]
        ),
        "by_field": bars((name, count, link(field=code)) for name, code, count in counts["field"]),
        "by_unit": bars(
            (
                name if pk is not None else NOT_ASSIGNED,
                count,
                link(responsible_unit=pk if pk is not None else "null"),
            )
            for name, pk, count in counts["unit"]
        ),
        "by_theme": bars(
            (Theme(value).label, count, link(theme=value)) for value, count in counts["theme"]
        ),
        "oldest_open": counts["oldest_open"],
        "oldest_open_url": link(state="open", ordering="created"),
        "today": today,
    }


def data_state(today) -> str:
    """What a cached page over the recommendations depends on, for its key: the data version
    (every saved recommendation, history entry, document, file, import, grouping), the reference
    lists' version (names of provinces, units, fields…), the working-day calendar's and the day
    (what is overdue, what a due date means)."""
    return f"{data_version()}:{reference.version()}:{workdays.version()}:{today.isoformat()}"


def _today_counts(today) -> dict:
    """The dashboard's numbers for today: seven grouped counts over every recommendation
    (most of the page's time at 100,000 rows), kept in the shared cache under ``data_state``
    (the names of provinces, units and fields are in it too) for at most
    ``DASHBOARD_CACHE_SECONDS``. Plain values: labels are translated when the page is built."""
    return kept(
        settings.DASHBOARD_CACHE_SECONDS,
        lambda: f"dashboard-today:{data_state(today)}",
        partial(_count_today, today),
    )


def _count_today(today) -> dict:
    recommendations = Recommendation.objects.all()
    by_status = recommendations.count_by_status()
    return {
        "summary": recommendations.summary(today, status_counts=by_status),
        "status": [(status.value, count) for status, count in by_status],
        "province": [(p.name, p.code, n) for p, n in recommendations.count_by_province()],
        "field": [(field.name, field.code, n) for field, n in recommendations.count_by_field()],
        "unit": [
            (unit.name if unit else None, unit.pk if unit else None, n)
            for unit, n in recommendations.count_by_unit()
        ],
        "theme": [(theme.value, count) for theme, count in recommendations.count_by_theme()],
        "oldest_open": list(recommendations.oldest_open().for_list()[:OLDEST_OPEN_SHOWN]),
    }


class RecommendationListView(FilteredListView):
    """The triage list: every filter in the URL, chips, count, export of exactly these rows."""

    model = Recommendation
    filterset_class = RecommendationFilter
    template_name = "recommendations/recommendation_list.html"
    partial_template_name = "recommendations/includes/recommendation_results.html"
    default_ordering = "-updated"

    @cached_property
    def columns(self):
        """The columns this user has chosen after the text (``list_columns``): one query."""
        return list_columns.columns_of(self.request.user)

    def get_queryset(self):
        # The chosen columns' fields come in the same query as the rest of the row.
        rows = Recommendation.objects.for_list_page(*list_columns.row_fields(self.columns))
        # The lifecycle rank (a CASE over the nine statuses) only when sorting by status.
        if any(value.lstrip("-") == "status" for value in self.request.GET.getlist("ordering")):
            rows = rows.with_status_rank()
        return rows

    def get_chips(self):
        return self.filterset.chips()

    #: Filters whose rows depend on more than the data and the day (the user's units, their
    #: digest): their lists are counted every time.
    uncached_count_filters = ("mine", "work")

    def count_cache_key(self, queryset) -> str | None:
        """The count of a filtered list changes only when a recommendation, its history, its
        documents, an import or a reference list change (the data and reference versions), or
        with the day and the working-day calendar (overdue, due soon): paging through a list
        counts 100,000 rows once, not on every page. Besides those, the rows depend on the
        filters in the URL and on who asks only through ``filter_variant`` (an officer's own
        province by default): ``list_state``. Compiling the query instead cost a millisecond
        a page."""
        if any(self.request.GET.get(name) for name in self.uncached_count_filters):
            return None
        digest = hashlib.blake2b(self.list_state.encode(), digest_size=16).hexdigest()
        return f"list-count:{data_state(timezone.localdate())}:{digest}"

    def filter_variant(self) -> str:
        # An officer's list keeps to their province unless they choose (its form has the
        # scope field); ministry staff's form has the "my unit" filter. The only ways the
        # rows and the form depend on who asks ("mine" and "work" are never cached).
        filterset = self.filterset
        return f"{filterset.officer_province_id}:{'mine' in filterset.filters}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show_all_url"] = list_url(**self.filterset.show_all_query())
        # Each row's link carries the list's query, so its page leads back here and on.
        context["list_query"] = self.request.GET.urlencode()
        if access.is_ministry_staff(self.request.user):
            # Bulk actions: a selection column and the form, shown again with what was typed
            # and selected when the last submission had a problem (see recommendations_bulk).
            context["bulk"] = True
            draft = self.request.session.pop(BULK_DRAFT, None) or {}
            if draft:
                # The bar is written by hand; the form only carries the last problems.
                form = BulkTriageForm(_draft_data(draft), prefix=BULK_PREFIX)
                for error in draft.get("errors", []):
                    form.add_error(None, error)
                context["bulk_form"] = form
            context["selected_ids"] = set(draft.get("ids", []))
            context["bulk_statuses"] = bulk_targets(self.request.user, context["object_list"])
        page = context.get("page_obj")
        if "bulk" in context:
            # The page's ids, for "select every row on this page" and the confirmation.
            context["page_ids_html"] = mark_safe(
                "".join(
                    f'<input type="hidden" name="page_ids" value="{row.pk}">'
                    for row in context["object_list"]
                )
            )
        context["rows_html"] = ListRows(
            list_query=context["list_query"],
            first_position=page.start_index() - 1 if page else 0,
            selectable="bulk" in context,
            selected_ids=context.get("selected_ids"),
            columns=self.columns,
        ).render(context["object_list"])
        context.update(self.columns_context(context["list_query"]))
        return context

    def columns_context(self, list_query: str) -> dict:
        """The headings of the chosen columns and the "Choose columns" form: a box for every
        optional column, in the table's order, and the way back to this very list."""
        chosen = {column.key for column in self.columns}
        url = reverse("recommendations:list")
        return {
            "list_columns": self.columns,
            "column_choices": [(column, column.key in chosen) for column in list_columns.COLUMNS],
            "columns_next": f"{url}?{list_query}" if list_query else url,
        }


class RecommendationExportView(FilterMixin, View):
    """The filtered list (all pages, same order) as CSV or XLSX."""

    filterset_class = RecommendationFilter
    format = "csv"

    def get_queryset(self):
        return Recommendation.objects.with_status_rank()

    def get(self, request):
        filterset = self.get_filterset(self.get_filterset_class())
        # As on the list page, values the filters cannot use are left out, never a failure.
        queryset = filterset.qs
        # Links in the file lead to the site's public address (SITE_URL), as the e-mails do.
        build_url = partial(absolute_url, settings.SITE_URL)
        if self.format == "xlsx":
            return exports.xlsx_response(queryset, build_url)
        return exports.csv_response(queryset, build_url)


#: What the record's sections show, fetched only when they are drawn (``record_sections``).
RECORD_PREFETCH = (
    # The visit with its delegation, province and campaign in a query of its own: one
    # nine-table join took PostgreSQL 3.6 ms to plan for 0.2 ms of work.
    Prefetch("visit", queryset=Visit.objects.select_related("delegation", "province", "survey")),
    "addressed_to",
    "fields",
    "supporting_units",
    Prefetch("obstacles", queryset=Finding.objects.select_related("province")),
    Prefetch(
        "history",
        # Newest first: what happened last is what the reader needs.
        queryset=StatusChange.objects.select_related("changed_by")
        .prefetch_related("files", "documents")
        .order_by("-changed_at", "-id"),
    ),
)
RECORD_TEMPLATES = {
    "evidence": "recommendations/includes/evidence.html",
    "facts": "recommendations/includes/detail/facts.html",
    "history": "recommendations/includes/detail/history.html",
}


class RecommendationDetailView(DetailView):
    """One recommendation: where it came from, what it answers, who holds it, its history."""

    template_name = "recommendations/recommendation_detail.html"
    # What the page needs whatever happens (the action panel, the heading, the permissions);
    # the record's sections (facts, history, evidence) come from ``record_sections``.
    queryset = Recommendation.objects.select_related(
        "province", "responsible_unit", "group", "source"
    )

    #: Set when an action shows the page again: the submitted form, with its errors…
    failed_form = None
    #: …or, after a conflict, what the user typed in each form (prefix → {field: value}).
    kept = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme_url"] = list_url_for(self.request.user, theme=self.object.theme)
        context.update(self.action_forms())
        context["conflict"] = self.kept is not None
        context.update(queue_context(self.request, self.object))
        context["triage_first"] = self.object.status in (Status.NEW, Status.REPORTED)
        context["failed_form"] = self.failed_form
        # The language switch returns here, not to the action's POST-only address.
        context["language_next"] = self.object.get_absolute_url()
        context.update(evidence_context(self.request.user, self.object))
        context["record"] = self.record_sections(context["theme_url"])
        return context

    def record_sections(self, theme_url) -> dict:
        """The record's sections – the evidence awaiting a decision, the facts, the history –
        as HTML, kept in the shared cache for ``RECORD_CACHE_SECONDS`` under a key that changes
        with the recommendation's version, every saved recommendation, history entry, document
        or file (the data version), every reference row (units, provinces, delegations…), the
        working-day calendar, the language and the day (what a due date means). Eight queries
        and most of the page's templates on a miss; none on a hit. Nothing in them depends on
        who reads them but the theme's link (an officer's list opens on every province), which
        is in the key."""
        recommendation = self.object

        def key():
            return (
                f"record:{recommendation.pk}:{recommendation.version}:"
                f"{data_state(timezone.localdate())}:{translation.get_language()}:{theme_url}"
            )

        def draw():
            prefetch_related_objects([recommendation], *RECORD_PREFETCH)
            history = list(recommendation.history.all())
            context = {
                "recommendation": recommendation,
                "theme_url": theme_url,
                "proposal": proposal_of(recommendation, history),
                "cited_documents": list(recommendation.documents.all()),
            }
            return {
                name: render_to_string(template, context, request=None)
                for name, template in RECORD_TEMPLATES.items()
            }

        return kept(settings.RECORD_CACHE_SECONDS, key, draw)

    def action_forms(self) -> dict:
        """The forms this user may use on this recommendation; none for a reader."""
        user, recommendation = self.request.user, self.object
        kept = self.kept or {}

        def build(form_class, prefix):
            if self.failed_form is not None and self.failed_form.prefix == prefix:
                return self.failed_form
            return form_class(
                user=user, recommendation=recommendation, prefix=prefix, initial=kept.get(prefix)
            )

        forms = {
            "move_form": build(StatusChangeForm, MOVE)
            if access.allowed_transitions(user, recommendation)
            else None,
            "note_form": build(ProgressNoteForm, NOTE)
            if access.can_add_note(user, recommendation)
            else None,
            "triage_form": build(TriageForm, TRIAGE)
            if access.can_triage(user, recommendation)
            else None,
        }
        _one_way_to_assign(forms["move_form"], forms["triage_form"], self.failed_form)
        # A comment written for a move that is no longer open (someone moved it meanwhile)
        # is kept in the note form rather than lost.
        moved_comment = kept.get(MOVE, {}).get("comment")
        if forms["move_form"] is None and forms["note_form"] is not None and moved_comment:
            forms["note_form"].initial.setdefault("comment", moved_comment)
            kept = {**kept, MOVE: {**kept[MOVE], "comment": ""}}
        forms["unplaced_text"] = self._unplaced(kept, forms)
        return forms

    @staticmethod
    def _unplaced(kept, forms) -> list[tuple[str, str]]:
        """After a conflict, text the user typed that no form on the fresh page can hold (the
        move it was for is no longer offered): shown with the conflict, so it is not lost."""
        unplaced = []
        for prefix, form_name, form_class in (
            (MOVE, "move_form", StatusChangeForm),
            (NOTE, "note_form", ProgressNoteForm),
            (TRIAGE, "triage_form", TriageForm),
        ):
            form = forms[form_name]
            for name, value in kept.get(prefix, {}).items():
                field = form_class.base_fields.get(name)
                text_field = field is not None and isinstance(field.widget, Textarea)
                if text_field and value.strip() and (form is None or name not in form.fields):
                    unplaced.append((field.label, value))
        return unplaced


def _one_way_to_assign(move_form, triage_form, failed_form) -> None:
    """Assigning a unit is one action: where the triage form is shown, giving it a unit is how
    a new or reported recommendation gets assigned (one history entry), so the status form does
    not offer the same move with its own unit list. A submitted status form is left as sent."""
    if move_form is None or triage_form is None or move_form is failed_form:
        return
    if "responsible_unit" not in move_form.fields:
        return
    del move_form.fields["responsible_unit"]
    move_form.fields["status"].choices = [
        choice for choice in move_form.fields["status"].choices if choice[0] != Status.ASSIGNED
    ]
    move_form.unit_statuses = []


# --- the list as a queue: back to the same filtered page, on to the next one ---------------
# The list's row links carry ``back`` (the list's query string) and ``pos`` (the row's place in
# the whole filtered list). Both are re-encoded or parsed, so a link can only lead to the list.
# The next one is found when the page is shown from the list (before any save moves rows
# around) and carried through a save as ``next_id``/``next_pos``.

QUEUE_WINDOW = 3


def _small_int(value) -> int | None:
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _queue_params(request) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    params = {}
    if "back" in source:
        params["back"] = QueryDict(source.get("back", "")).urlencode()
        for name in ("pos", "next_id", "next_pos"):
            number = _small_int(source.get(name))
            if number is not None:
                params[name] = number
    return params


def _next_in_list(request, recommendation, query: str, pos: int) -> tuple[int, int] | None:
    """The id and place of the row after ``recommendation`` in the list ``query`` describes:
    one query over a few rows around ``pos`` (the list's own filters, scope and order)."""
    filterset = RecommendationFilter(
        QueryDict(query), queryset=Recommendation.objects.with_status_rank(), request=request
    )
    start = max(pos - QUEUE_WINDOW, 0)
    window = list(filterset.qs.values_list("pk", flat=True)[start : pos + QUEUE_WINDOW + 1])
    # When it has left the list (its status no longer matches), the next took its place.
    index = window.index(recommendation.pk) + 1 if recommendation.pk in window else pos - start
    if index < len(window):
        return window[index], start + index
    return None


def queue_context(request, recommendation) -> dict:
    params = _queue_params(request)
    list_page = reverse("recommendations:list")
    if "back" not in params:
        return {"back_url": list_page, "next_url": None, "queue_fields": []}
    query = params["back"]
    back_url = f"{list_page}?{query}" if query else list_page
    found = None
    if "next_id" in params and "next_pos" in params:
        found = params["next_id"], params["next_pos"]
    elif "pos" in params:
        found = _next_in_list(request, recommendation, query, params["pos"])
    next_url = None
    fields = [("back", query)] + [(name, params[name]) for name in ("pos",) if name in params]
    if found:
        next_id, next_pos = found
        next_url = (
            reverse("recommendations:detail", args=[next_id])
            + "?"
            + urlencode({"back": query, "pos": next_pos})
        )
        fields += [("next_id", next_id), ("next_pos", next_pos)]
    return {"back_url": back_url, "next_url": next_url, "queue_fields": fields}


def _detail_url(request, recommendation) -> str:
    """The recommendation's page, keeping the way back to the list and on to the next one."""
    fields = queue_context(request, recommendation)["queue_fields"]
    url = recommendation.get_absolute_url()
    return f"{url}?{urlencode(fields)}" if fields else url


# --- actions on one recommendation: POST only, each calling its service --------------------
# A refused request changes nothing: 403 when the user may not act on this recommendation at
# all, the page again with the errors when the input is wrong, and when someone else saved
# the recommendation since the user loaded it, the fresh page with what they typed kept.

MOVE, NOTE, TRIAGE = "move", "note", "triage"


def _for_action(request, pk, allowed) -> Recommendation:
    recommendation = get_object_or_404(Recommendation, pk=pk)
    if not allowed(request.user, recommendation):
        raise PermissionDenied(_("You may not change this recommendation."))
    return recommendation


def _is_stale(form, recommendation) -> bool:
    """Did the user load an older version than the current one (or no version at all)?"""
    return form.data.get(form.add_prefix("version")) != str(recommendation.version)


def _show_again(request, recommendation, *, status=200, **state):
    """The detail page, fresh from the database, with ``state`` (failed_form or kept)."""
    view = RecommendationDetailView(**state)
    view.setup(request, pk=recommendation.pk)
    view.object = view.get_object()
    return view.render_to_response(view.get_context_data(object=view.object), status=status)


def _conflict(request, recommendation, form):
    start = f"{form.prefix}-"
    typed = {
        key.removeprefix(start): value
        for key, value in request.POST.items()
        if key.startswith(start) and key != form.add_prefix("version")
    }
    return _show_again(request, recommendation, status=409, kept={form.prefix: typed})


def _act(request, recommendation, form, save, *, fallback, allowed=True):
    """What every action does with its form: refuse a stale version (keeping what was typed),
    validate, ``save`` through the service, then go back to the page or show it again with the
    errors – the service's own refusals on the field at fault, else on ``fallback``."""
    if _is_stale(form, recommendation):
        return _conflict(request, recommendation, form)
    if not allowed:  # the form offered nothing: only a forged request gets here
        raise PermissionDenied(_("No status change is open to you from here."))
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except StaleRecommendation:
            return _conflict(request, recommendation, form)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error, fallback=fallback)
        else:
            return redirect(_detail_url(request, recommendation))
    return _show_again(request, recommendation, failed_form=form)


@require_POST
def recommendation_move(request, pk):
    """Move a recommendation to another status (with comment, resolution, reply document)."""
    recommendation = _for_action(request, pk, access.can_change)
    form = StatusChangeForm(
        request.POST, request.FILES, user=request.user, recommendation=recommendation, prefix=MOVE
    )

    def save(data):
        moved = recommendation_transition(
            recommendation=recommendation, by=request.user, **form.service_arguments()
        )
        status = moved.get_status_display()
        messages.success(request, _("Status changed to “%(status)s”.") % {"status": status})

    return _act(
        request, recommendation, form, save, fallback="status", allowed=bool(form.transitions)
    )


@require_POST
def recommendation_note(request, pk):
    """Add a progress note to the timeline."""
    recommendation = _for_action(request, pk, access.can_add_note)
    form = ProgressNoteForm(
        request.POST, user=request.user, recommendation=recommendation, prefix=NOTE
    )

    def save(data):
        recommendation_add_note(
            recommendation=recommendation,
            by=request.user,
            comment=data["comment"],
            expected_version=data["version"],
        )
        messages.success(request, _("Progress note added."))

    return _act(request, recommendation, form, save, fallback="comment")


@require_POST
def recommendation_triage_view(request, pk):
    """Set the responsible unit, priority and due date (ministry staff)."""
    recommendation = _for_action(request, pk, access.can_triage)
    form = TriageForm(request.POST, user=request.user, recommendation=recommendation, prefix=TRIAGE)

    def save(data):
        saved = recommendation_triage(
            recommendation=recommendation,
            by=request.user,
            comment=data["comment"],
            expected_version=data["version"],
            **form.changes(),
        )
        if saved.version == recommendation.version:
            messages.info(request, _("Nothing to save: the values were already these."))
        else:
            messages.success(request, _("Triage saved."))

    return _act(request, recommendation, form, save, fallback="responsible_unit")


# --- bulk actions on a selection of the list ------------------------------------------------

BULK_PREFIX = "bulk"
#: The session key holding a bulk submission that had a problem, until the list shows it again.
BULK_DRAFT = "recommendations_bulk_draft"
#: At most this many recommendations change in one go (a selection kept across pages, or
#: "all matching the filters"): each goes through the services one by one, and a kept
#: selection travels as hidden ids, within Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000).
BULK_LIMIT = 500


def _draft_data(draft: dict) -> QueryDict | None:
    if "data" not in draft:
        return None
    data = QueryDict(mutable=True)
    for key, values in draft["data"].items():
        data.setlist(key, values)
    return data


def _selected_ids(post) -> list[int]:
    """The ids ticked in the list, or every id of the page when "all on this page" is ticked.
    Anything that is not a plausible id is ignored (a forged value must not reach the SQL)."""
    raw = post.getlist("page_ids") if post.get("select_page") else post.getlist("ids")
    ids = {int(value) for value in raw if value.isascii() and value.isdigit() and len(value) < 16}
    return sorted(ids)


def _back_to_list(post) -> str:
    # Re-encoded from a parsed query, so the redirect can only go to the list itself.
    query = QueryDict(post.get("query", "")).urlencode()
    url = reverse("recommendations:list")
    return f"{url}?{query}" if query else url


def bulk_targets(user, recommendations) -> list[tuple[str, str]]:
    """The statuses the bulk bar offers: the union of the moves ``user`` may take from each of
    ``recommendations`` (read from the lifecycle), in workflow order. Each row also gets its
    own targets (``bulk_targets``), so the bar's script narrows the offer to the ticked rows."""
    offered, known = set(), {}
    # What a user may do depends on the status and the province only – for ministry staff, who
    # may act in every province, on the status alone: asked once per pair (or status).
    every_province = access.is_ministry_staff(user)
    for recommendation in recommendations:
        key = (recommendation.status, None if every_province else recommendation.province_id)
        if key not in known:
            known[key] = [t.target for t in access.allowed_transitions(user, recommendation)]
        recommendation.bulk_targets = " ".join(known[key])
        offered.update(known[key])
    return [(value, label) for value, label in Status.choices if value in offered]


def _filtered_ids(request) -> list[int]:
    """ "Every recommendation matching the filters": the list's query string evaluated again
    here, with this user's scope, at most one more than the limit (to say it is too many)."""
    filterset = RecommendationFilter(
        QueryDict(request.POST.get("query", "")),
        queryset=Recommendation.objects.with_status_rank(),
        request=request,
    )
    queryset = filterset.qs.filter(access.editable_filter(request.user))
    return list(queryset.values_list("pk", flat=True)[: BULK_LIMIT + 1])


def _bulk_problems(ids) -> list[str]:
    if not ids:
        return [_("Select at least one recommendation in the list.")]
    if len(ids) > BULK_LIMIT:
        return [_("Select at most %(limit)s recommendations at a time.") % {"limit": BULK_LIMIT}]
    return []


def _bulk_confirmation(request, ids, form, back, *, status=200):
    """NetBox's bulk edit: the rows the change will apply to, listed before anything is
    written, with the form to say what changes; "Confirm" posts it again without ``preview``."""
    selection = list(
        Recommendation.objects.filter(pk__in=ids)
        .filter(access.editable_filter(request.user))
        .select_related("province", "responsible_unit")
        .order_by("pk")
    )
    offered = bulk_targets(request.user, selection)
    form.fields["new_status"].choices = [("", "—"), *offered]
    target = form.data.get(form.add_prefix("new_status")) or form.initial.get("new_status")
    for recommendation in selection:
        recommendation.bulk_refusal = ""
        if target and target not in recommendation.bulk_targets.split():
            recommendation.bulk_refusal = _("cannot move from “%(status)s” to “%(target)s”") % {
                "status": recommendation.get_status_display(),
                "target": Status(target).label if target in Status.values else target,
            }
    context = {
        "form": form,
        "bulk_form": form,
        "selection": selection,
        "ids": ids if not request.POST.get("select_across") else [],
        "select_across": bool(request.POST.get("select_across")),
        "query": request.POST.get("query", ""),
        "back": back,
        "target": target,
    }
    return render(request, "recommendations/bulk_confirm.html", context, status=status)


@require_POST
def recommendations_bulk(request):
    """Apply one change – unit, priority, due date, status – to each selected recommendation,
    each through the services (own checks, own history entry), then report what happened.

    The list's bar posts with ``preview``: the answer is the confirmation page listing the
    rows; its "Confirm" posts the change. With ``select_across`` the selection is every row
    matching the list's filters, evaluated again here with the same permission checks."""
    if not access.is_ministry_staff(request.user):
        raise PermissionDenied(_("Only ministry staff change several recommendations at once."))
    back = _back_to_list(request.POST)
    across = bool(request.POST.get("select_across"))
    ids = _filtered_ids(request) if across else _selected_ids(request.POST)
    problems = _bulk_problems(ids)
    if request.POST.get("preview") and not problems:
        action = request.POST.get("action", "")
        initial = (
            {"new_status": action.removeprefix("status:")} if action.startswith("status:") else {}
        )
        form = BulkTriageForm(prefix=BULK_PREFIX, initial=initial)
        return _bulk_confirmation(request, ids, form, back)
    form = BulkTriageForm(request.POST, prefix=BULK_PREFIX)
    confirming = bool(request.POST.get("confirming"))
    if confirming and not problems and not form.is_valid():
        # Errors are shown on the confirmation page itself, with the rows and what was typed.
        return _bulk_confirmation(request, ids, form, back)
    if request.POST.get("preview") or not form.is_valid() or problems:
        # Shown again on the list, with what was typed and selected (nothing is lost).
        draft = {"ids": ids[:BULK_LIMIT], "errors": problems}
        if not request.POST.get("preview"):
            draft["data"] = {
                key: request.POST.getlist(key)
                for key in request.POST
                if key.startswith(f"{BULK_PREFIX}-")
            }
        request.session[BULK_DRAFT] = draft
        return redirect(back)

    selection = list(
        Recommendation.objects.filter(pk__in=ids)
        .filter(access.editable_filter(request.user))
        .select_related("province")
        .order_by("pk")
    )
    versions = {recommendation.pk: recommendation.version for recommendation in selection}
    changed, refused = recommendations_bulk_apply(
        recommendations=selection, by=request.user, **form.service_arguments()
    )
    _report_bulk(request, ids, selection, changed, refused, versions)
    return redirect(back)


def _report_bulk(request, ids, selection, changed, refused, versions) -> None:
    really_changed = [r for r in changed if r.version != versions[r.pk]]
    unchanged = len(changed) - len(really_changed)
    if really_changed:
        count = len(really_changed)
        messages.success(
            request,
            ngettext(
                "%(count)s recommendation changed, each with its own history entry.",
                "%(count)s recommendations changed, each with its own history entry.",
                count,
            )
            % {"count": count},
        )
    if unchanged:
        messages.info(
            request,
            ngettext(
                "%(count)s recommendation already had these values and was left as it was.",
                "%(count)s recommendations already had these values and were left as they were.",
                unchanged,
            )
            % {"count": unchanged},
        )
    for recommendation, reason in refused:
        messages.warning(
            request,
            _("Not changed: %(recommendation)s – %(reason)s")
            % {"recommendation": recommendation, "reason": reason},
        )
    found = {recommendation.pk for recommendation in selection}
    for pk in ids:
        if pk not in found:
            messages.warning(
                request,
                _("Not changed: recommendation no. %(number)s does not exist.") % {"number": pk},
            )
