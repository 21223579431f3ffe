import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.filters import ALL, delegation_filter, field_filter, province_filter, theme_filter
from surveys.models import MinistryUnit
from tracker.filters import DateFromFilter, DateUntilFilter, OrderingFilter, SearchFilter

from .models import Priority, Recommendation, Status

NOT_ASSIGNED = _("not assigned yet")


class RecommendationFilter(django_filters.FilterSet):
    """The triage list's filters. Every value lives in the URL, so a view can be bookmarked."""

    q = SearchFilter(
        help_text=_(
            "Words from the recommendation, its province or its responsible unit. "
            "Accents and capitals do not matter."
        )
    )
    province = province_filter()
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        distinct=False,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    state = django_filters.ChoiceFilter(
        choices=[("open", _("open")), ("closed", _("closed"))],
        method="filter_state",
        label=_("Open or closed"),
        empty_label=ALL,
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", _("overdue")), ("no", _("not overdue"))],
        method="filter_overdue",
        label=_("Overdue"),
        empty_label=ALL,
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        queryset=MinistryUnit.objects.all(),
        label=_("Responsible unit"),
        empty_label=ALL,
        null_label=NOT_ASSIGNED,
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=ALL
    )
    theme = theme_filter()
    field = field_filter()
    delegation = delegation_filter()
    due_after = DateFromFilter(field_name="due_date", label=_("Due on or after"))
    due_before = DateUntilFilter(field_name="due_date", label=_("Due on or before"))
    created_after = DateFromFilter(
        field_name="created_at", timestamp=True, label=_("Created on or after")
    )
    created_before = DateUntilFilter(
        field_name="created_at", timestamp=True, label=_("Created on or before")
    )
    ordering = OrderingFilter(
        fields=[
            ("due_date", "due"),
            ("province__search_name", "province"),
            ("status_rank", "status"),
            ("priority", "priority"),
            ("updated_at", "updated"),
            ("created_at", "created"),
        ],
        choices=[
            ("-updated", _("Last updated, newest first")),
            ("updated", _("Last updated, oldest first")),
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("-priority", _("Priority, most urgent first")),
            ("priority", _("Priority, lowest first")),
            ("province", _("Province, A to Z")),
            ("-province", _("Province, Z to A")),
            ("status", _("Status, in workflow order")),
            ("-status", _("Status, reverse workflow order")),
            ("created", _("Created, oldest first")),
            ("-created", _("Created, newest first")),
        ],
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Recommendation
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.open() if value == "open" else queryset.closed()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "yes" else queryset.not_overdue()
