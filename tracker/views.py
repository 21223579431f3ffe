"""What every list page shares: the filter state in the URL, bounded paging that never fails,
and the results fragment htmx swaps in; and the health check."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_filters.views import FilterView
from django_htmx.http import push_url

from . import reference
from .cache import kept
from .filters import SearchFilter, active_filters
from .middleware import search_cut_message
from .text import bounded_search_term

logger = logging.getLogger(__name__)


class DeferredJoinPaginator(Paginator):
    """Pages of a queryset fetched in two steps: the ids of the page (``ORDER BY … OFFSET n
    LIMIT 25``, which PostgreSQL answers from the ordering's index alone), then those rows with
    everything they join. A deep page then skips 50,000 index entries, not 50,000 joined rows:
    page 2,000 of 100,000 recommendations went from about 190 ms to a few. The first pages –
    most of what people open – are one query: the ordering's index reaches them at once, and a
    second round trip would cost more than it saves."""

    #: Pages starting before this row are fetched in one query.
    deferred_from = 1000
    #: Set by a view that knows when its counts change (``count_cache_key``): the count is then
    #: read from the shared cache under that key for ``count_cache_seconds``.
    count_cache_key = None
    count_cache_seconds = 0

    @cached_property
    def count(self):
        # Paginator's own count (a cached_property: its function, called only on a miss).
        return kept(
            self.count_cache_seconds, self.count_cache_key, lambda: Paginator.count.func(self)
        )

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < self.deferred_from:
            return self._get_page(list(self.object_list[bottom:top]), number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class BoundedPaginationMixin:
    """Paging for a ``ListView``: ``page_size`` is clamped to ``max_page_size`` and a page
    number past the end (or not a number) shows the last (or first) page, each with a
    message – never an error page."""

    paginator_class = DeferredJoinPaginator
    paginate_by = 25
    max_page_size = 100
    page_size_choices = (10, 25, 50, 100)

    def count_cache_key(self, queryset) -> str | None:
        """A key under which this list's count may be kept, or None to count every time (the
        default: only a view knows what its count depends on)."""
        return None

    def get_paginate_by(self, queryset):
        raw = self.request.GET.get("page_size", "").strip()
        if not raw:
            return self.paginate_by
        try:
            size = int(raw)
        except ValueError:
            messages.warning(
                self.request,
                _("“%(value)s” is not a number of rows; showing %(size)s per page.")
                % {"value": raw[:20], "size": self.paginate_by},
            )
            return self.paginate_by
        if size < 1:
            messages.warning(
                self.request, _("Showing %(size)s rows per page.") % {"size": self.paginate_by}
            )
            return self.paginate_by
        if size > self.max_page_size:
            messages.warning(
                self.request,
                _("At most %(size)s rows fit on a page; showing %(size)s.")
                % {"size": self.max_page_size},
            )
            return self.max_page_size
        return size

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        paginator.count_cache_key = self.count_cache_key(queryset)
        paginator.count_cache_seconds = settings.LIST_COUNT_CACHE_SECONDS
        raw = self.request.GET.get("page", "").strip() or 1
        if raw == "last":
            raw = paginator.num_pages
        try:
            number = paginator.validate_number(raw)
        except PageNotAnInteger:
            messages.warning(self.request, _("That page number was not understood; page 1."))
            number = 1
        except EmptyPage:
            # Below 1 means the first page; past the end, the last one.
            number = 1 if int(raw) < 1 else paginator.num_pages
            if paginator.count:
                messages.warning(
                    self.request,
                    _("There is no page %(asked)s; showing page %(number)s.")
                    % {"asked": str(raw)[:20], "number": number},
                )
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator, page = context.get("paginator"), context.get("page_obj")
        if paginator is not None and page is not None:
            context["page_size"] = paginator.per_page
            context["page_range"] = paginator.get_elided_page_range(page.number)
        context["page_size_choices"] = self.page_size_choices
        return context


class FilteredListView(BoundedPaginationMixin, FilterView):
    """A FilterSet list page with bounded paging.

    Values the filters cannot use are shown in an error summary and left out while the others
    still filter (``strict = False``). An htmx request gets only ``partial_template_name`` (the
    results), so the filter form can update them in place.
    """

    strict = False
    partial_template_name = None
    #: The ordering the list has when none is asked for; left out of tidy URLs.
    default_ordering = None

    def get(self, request, *args, **kwargs):
        # A submitted form sends every field, most of them empty; the URL people bookmark
        # and share keeps only what filters. Without JavaScript that is a redirect; for an
        # htmx request, the tidy URL is the one pushed to the address bar.
        tidy = self.tidy_query(request.GET)
        if tidy.urlencode() == request.GET.urlencode():
            return super().get(request, *args, **kwargs)
        url = f"{request.path}?{tidy.urlencode()}" if tidy else request.path
        if not request.htmx:
            return redirect(url)
        request.GET = tidy
        return push_url(super().get(request, *args, **kwargs), url)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if filterset.is_bound:
            self.note_cut_search(filterset)
        return filterset

    def note_cut_search(self, filterset):
        """A search longer than the bound (``tracker.text.bounded_search_term``) still filters
        by its first words; the error summary says the rest was left out."""
        for name, list_filter in filterset.filters.items():
            if isinstance(list_filter, SearchFilter):
                _term, cut = bounded_search_term(filterset.data.get(name))
                if cut and not filterset.form.errors.get(name):
                    filterset.form.add_error(None, search_cut_message())

    def tidy_query(self, query: QueryDict) -> QueryDict:
        """``query`` without empty values and without values equal to the defaults."""
        defaults = {"page_size": str(self.paginate_by), "ordering": self.default_ordering}
        tidy = QueryDict(mutable=True)
        for key, values in query.lists():
            kept = [value for value in values if value.strip() and value != defaults.get(key)]
            if kept:
                tidy.setlist(key, kept)
        return tidy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chips"] = chips = self.get_chips()
        context["can_clear_filters"] = any(not chip.is_default for chip in chips)
        context["current_ordering"] = self.request.GET.get("ordering") or self.default_ordering
        context.update(self.filter_groups())
        context["filter_cache_key"] = self.filter_cache_key()
        context["filter_cache_seconds"] = settings.CHOICES_CACHE_SECONDS
        return context

    @cached_property
    def list_state(self) -> str:
        """The page, who is asking (``filter_variant``) and the filters in the URL (not the
        page number: paging through a list keeps the same filters): what the filter panel
        and the list's count depend on, besides the data."""
        query = self.request.GET.copy()
        query.pop("page", None)
        return f"{self.request.path}|{self.filter_variant()}|{query.urlencode()}"

    def filter_cache_key(self) -> str:
        """What the filter panel's HTML depends on, for the ``{% cache %}`` around it: the
        reference lists' version and ``list_state``. The language is added by the cache
        tag's key (``LANGUAGE_CODE`` is one of its vary-ons)."""
        return f"{reference.version()}|{self.list_state}"

    def filter_variant(self) -> str:
        """Users whose filter forms differ (other fields, other choices) get different keys."""
        return ""

    def filter_groups(self) -> dict:
        """The filter form's visible fields split as GOV.UK's "filter a list" does: the common
        ones (the FilterSet's ``primary_filters``) first, the rest folded under "More filters"
        – unfolded when one of them is in use or has an error."""
        fields = self.filterset.form.visible_fields()
        primary = getattr(self.filterset, "primary_filters", None)
        if primary is None:
            return {"filter_primary": fields, "filter_more": [], "filter_more_open": False}
        more = [field for field in fields if field.name not in primary]
        used = any(self.request.GET.get(field.name) or field.errors for field in more)
        return {
            "filter_primary": [field for field in fields if field.name in primary],
            "filter_more": more,
            "filter_more_open": used,
        }

    def get_chips(self):
        """The active filters shown above the results, each removable."""
        return active_filters(self.filterset)

    def get_template_names(self):
        if self.partial_template_name and self.request.htmx and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return super().get_template_names()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 when the app can query its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"; the log says which
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    """Django's login, except that arriving from the site's front page (``?next=/``, what
    opening the address gives) lands on LOGIN_REDIRECT_URL – each person's own work – rather
    than on the national overview."""

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url == "/" else url
