"""The obstacles' and delegations' pages: they show the recommendations that answer them, so
they live in the app that owns those (surveys, below, knows nothing of recommendations)."""

from django.db.models import F, Prefetch
from django.views.generic import DetailView, ListView

from surveys.filters import ObstacleFilter
from surveys.models import Delegation, Finding, Visit
from tracker.views import BoundedPaginationMixin, FilteredListView

from .models import Recommendation
from .selectors import delegations_with_counts


class ObstacleListView(FilteredListView):
    """The obstacles the delegations found, filterable like the recommendations."""

    filterset_class = ObstacleFilter
    template_name = "surveys/obstacle_list.html"
    partial_template_name = "surveys/includes/obstacle_results.html"
    default_ordering = "province"

    def get_queryset(self):
        # Alphabetical by province, the nationwide ones last, on every database.
        return (
            Finding.objects.obstacles()
            .for_list()
            .order_by(F("province__search_name").asc(nulls_last=True), "pk")
        )


class ObstacleDetailView(DetailView):
    template_name = "surveys/obstacle_detail.html"
    context_object_name = "obstacle"
    queryset = (
        Finding.objects.obstacles()
        .select_related("province", "visit__delegation", "source")
        .prefetch_related(
            "fields",
            Prefetch("recommendations", queryset=Recommendation.objects.for_list()),
        )
    )


class DelegationListView(BoundedPaginationMixin, ListView):
    """The campaign's delegations: head, home unit, the provinces each visited."""

    template_name = "surveys/delegation_list.html"
    queryset = (
        delegations_with_counts(Delegation.objects.all())
        .select_related("survey", "home_unit")
        .prefetch_related(
            Prefetch("visits", queryset=Visit.objects.select_related("province").order_by("pk"))
        )
        .order_by("survey__start_date", "number")
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unattributed_visits"] = (
            Visit.objects.filter(delegation__isnull=True)
            .select_related("province")
            .order_by("province__search_name")
        )
        return context


class DelegationDetailView(DetailView):
    """One delegation and what each of its visits found."""

    template_name = "surveys/delegation_detail.html"
    queryset = Delegation.objects.select_related("survey", "home_unit", "source").prefetch_related(
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("province").order_by("province__search_name"),
        ),
        Prefetch("visits__findings", queryset=Finding.objects.order_by("-kind", "pk")),
        Prefetch(
            "visits__recommendations",
            queryset=Recommendation.objects.select_related("responsible_unit").order_by("pk"),
        ),
    )
