"""The provinces' pages: their scorecards count and list recommendations, so they live in the
app that owns them (provinces, below, knows nothing of recommendations)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.views.generic import DetailView

from provinces.filters import ProvinceFilter
from provinces.models import Province
from surveys.models import Finding, Visit
from tracker.views import FilteredListView

from .models import Recommendation
from .selectors import provinces_with_counts
from .views import bars, list_url


class ProvinceListView(FilteredListView):
    """All 34 provinces with their obstacles and open and overdue recommendations."""

    filterset_class = ProvinceFilter
    template_name = "provinces/province_list.html"
    partial_template_name = "provinces/includes/province_results.html"
    paginate_by = 50  # all 34 on one page unless a smaller page is asked for

    def get_queryset(self):
        return provinces_with_counts(Province.objects.alphabetical())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["nationwide_findings"] = (
            Finding.objects.nationwide().select_related("source").order_by("kind", "pk")
        )
        return context


class ProvinceDetailView(DetailView):
    """A province's scorecard: visits, obstacles, achievements and its recommendations."""

    template_name = "provinces/province_detail.html"
    recommendations_shown = 50
    queryset = Province.objects.prefetch_related(
        "former_names",
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("delegation", "source").order_by("pk"),
        ),
        Prefetch(
            "findings",
            queryset=Finding.objects.select_related("visit__delegation")
            .prefetch_related("fields")
            .order_by("kind", "pk"),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        province = self.object
        findings = list(province.findings.all())
        recommendations = Recommendation.objects.for_province(province)
        status_counts = recommendations.count_by_status()
        context.update(
            obstacles=[f for f in findings if f.kind == Finding.Kind.OBSTACLE],
            achievements=[f for f in findings if f.kind == Finding.Kind.ACHIEVEMENT],
            by_status=bars(
                (status.label, count, list_url(province=province.code, status=status.value))
                for status, count in status_counts
            ),
            recommendations=recommendations.for_list()
            .with_status_rank()
            .order_by("status_rank", "pk")[: self.recommendations_shown],
            all_recommendations_url=list_url(province=province.code),
            open_url=list_url(province=province.code, state="open"),
            overdue_url=list_url(province=province.code, overdue="yes"),
            summary=recommendations.summary(timezone.localdate(), status_counts=status_counts),
        )
        return context
