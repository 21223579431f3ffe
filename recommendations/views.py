from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, View
from django_filters.views import FilterMixin

from surveys.models import Finding
from tracker.views import FilteredListView

from . import exports
from .filters import NOT_ASSIGNED, RecommendationFilter
from .models import Recommendation, Status, StatusChange

OLDEST_OPEN_SHOWN = 5


def list_url(**filters) -> str:
    """The triage list filtered to exactly ``filters`` (what a dashboard number links to)."""
    return f"{reverse('recommendations:list')}?{urlencode(filters, doseq=True)}"


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


def dashboard(request):
    """The ministry's overview: how many recommendations, where they stand, who holds them."""
    recommendations = Recommendation.objects.all()
    today = timezone.localdate()
    by_status = recommendations.count_by_status()
    summary = recommendations.summary(today, status_counts=by_status)
    context = {
        "cards": [
            ("total", summary["total"], list_url()),
            ("open", summary["open"], list_url(state="open")),
            ("overdue", summary["overdue"], list_url(overdue="yes")),
            ("resolved", summary["resolved"], list_url(status=Status.RESOLVED)),
        ],
        "by_status": bars(
            (status.label, count, list_url(status=status.value)) for status, count in by_status
        ),
        "by_province": bars(
            (province.name, count, list_url(province=province.code))
            for province, count in recommendations.count_by_province()
        ),
        "by_field": bars(
            (field.name, count, list_url(field=field.code))
            for field, count in recommendations.count_by_field()
        ),
        "by_unit": bars(
            (
                unit.name if unit else NOT_ASSIGNED,
                count,
                list_url(responsible_unit=unit.pk if unit else "null"),
            )
            for unit, count in recommendations.count_by_unit()
        ),
        "by_theme": bars(
            (theme.label, count, list_url(theme=theme.value))
            for theme, count in recommendations.count_by_theme()
        ),
        "oldest_open": recommendations.oldest_open().for_list()[:OLDEST_OPEN_SHOWN],
        "oldest_open_url": list_url(state="open", ordering="created"),
        "today": today,
    }
    return render(request, "recommendations/dashboard.html", context)


class RecommendationListView(FilteredListView):
    """The triage list: every filter in the URL, chips, count, export of exactly these rows."""

    model = Recommendation
    filterset_class = RecommendationFilter
    template_name = "recommendations/recommendation_list.html"
    partial_template_name = "recommendations/includes/recommendation_results.html"
    default_ordering = "-updated"

    def get_queryset(self):
        return Recommendation.objects.for_list().with_status_rank()


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
        if self.format == "xlsx":
            return exports.xlsx_response(queryset, request.build_absolute_uri)
        return exports.csv_response(queryset, request.build_absolute_uri)


class RecommendationDetailView(DetailView):
    """One recommendation: where it came from, what it answers, who holds it, its history."""

    template_name = "recommendations/recommendation_detail.html"
    queryset = Recommendation.objects.select_related(
        "province", "visit__delegation", "visit__province", "responsible_unit", "source"
    ).prefetch_related(
        "addressed_to",
        "fields",
        Prefetch("obstacles", queryset=Finding.objects.select_related("province")),
        Prefetch(
            "history",
            queryset=StatusChange.objects.select_related("changed_by").order_by("changed_at", "id"),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme_url"] = list_url(theme=self.object.theme)
        return context
