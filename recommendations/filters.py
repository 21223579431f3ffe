import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from surveys.filters import ALL, delegation_filter, field_filter, province_filter, theme_filter
from surveys.models import MinistryUnit
from tracker.filters import (
    Chip,
    DateFromFilter,
    DateUntilFilter,
    FilterSet,
    OrderingFilter,
    SearchFilter,
    active_filters,
    start_of_day,
)
from tracker.reference import (
    CachedModelChoiceFilter,
    CachedModelMultipleChoiceField,
    CachedModelMultipleChoiceFilter,
)
from tracker.widgets import CheckboxList, FastSelect

from . import access, work
from .models import (
    CLOSED_STATUSES,
    Priority,
    Recommendation,
    RecommendationGroup,
    Status,
    StatusChange,
)

NOT_ASSIGNED = _("not assigned yet")


class _IdsField(CachedModelMultipleChoiceField):
    """Ids as the database can take them: a value of more than 18 digits (or not digits) is
    refused before the query, where SQLite would overflow (a 500) instead of finding none."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if text != self.null_value and not (
                text.isascii() and text.isdigit() and len(text) <= 18
            ):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdsFilter(CachedModelMultipleChoiceFilter):
    field_class = _IdsField


#: ``scope=all``: a provincial officer asks for every province instead of their own.
ALL_PROVINCES = "all"


class RecommendationFilter(FilterSet):
    """The triage list's filters. Every value lives in the URL, so a view can be bookmarked.

    A provincial officer who has chosen no province sees their own province's
    recommendations (``scope=all`` shows every province); ministry staff may keep to the
    recommendations of their own units (``mine=unit``).
    """

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
        widget=CheckboxList,
    )
    state = django_filters.ChoiceFilter(
        choices=[("open", _("open")), ("closed", _("closed"))],
        method="filter_state",
        label=_("Open or closed"),
        empty_label=ALL,
        widget=FastSelect,
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", _("overdue")), ("no", _("not overdue"))],
        method="filter_overdue",
        label=_("Overdue"),
        empty_label=ALL,
        widget=FastSelect,
    )
    responsible_unit = IdsFilter(
        queryset=MinistryUnit.objects.all(),
        distinct=False,  # a column of the row: nothing to de-duplicate
        label=_("Responsible unit"),
        null_label=NOT_ASSIGNED,
        widget=CheckboxList(filterable=True),
    )
    mine = django_filters.ChoiceFilter(
        choices=[("unit", _("my unit"))],
        method="filter_mine",
        label=_("Assigned to"),
        empty_label=_("any unit"),
        widget=FastSelect,
        help_text=_("“My unit”: the units you are a member of, leading or supporting."),
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=ALL, widget=FastSelect
    )
    # "Việc của tôi": each of its counts links to exactly the list of its section.
    work = django_filters.ChoiceFilter(
        choices=[
            ("to_triage", _("to triage")),
            ("due_soon", _("due within 5 working days")),
            ("newly_overdue", _("newly overdue")),
            ("overdue", _("overdue")),
            ("to_confirm", _("closures to confirm")),
            ("waiting_update", _("waiting for your update")),
            ("sent_back", _("sent back")),
            ("proposed", _("closure proposed")),
            ("escalated", _("overdue by more than 10 working days")),
        ],
        method="filter_work",
        label=_("My work"),
        empty_label=ALL,
        widget=FastSelect,
    )
    group = CachedModelChoiceFilter(
        queryset=RecommendationGroup.objects.all(),
        label=_("Group"),
        empty_label=ALL,
        null_label=_("in no group"),
        widget=FastSelect,
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
    # The dashboard's trend links "closed in this month" here: closed by the day they closed.
    closed_after = DateFromFilter(method="filter_closed", label=_("Closed on or after"))
    closed_before = DateUntilFilter(method="filter_closed", label=_("Closed on or before"))
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
        widget=FastSelect,
    )

    scope = django_filters.ChoiceFilter(
        choices=[(ALL_PROVINCES, _("all provinces"))],
        method="filter_scope",
        label=_("Provinces"),
        widget=forms.HiddenInput,
    )

    #: Shown first; the others fold under "More filters" (GOV.UK "filter a list").
    primary_filters = ("q", "province", "status", "responsible_unit", "overdue", "mine")

    class Meta:
        model = Recommendation
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        # Always bound, so that an officer's default province applies to a bare URL too.
        super().__init__(QueryDict() if data is None else data, *args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.user = user
        self.officer_province_id = access.officer_province_id(user) if user else None
        if self.officer_province_id is None:
            del self.filters["scope"]
        if not (user and access.is_ministry_staff(user)):
            del self.filters["mine"]

    @property
    def shows_own_province_by_default(self) -> bool:
        """True when the list keeps to the officer's province because none was chosen."""
        if self.officer_province_id is None:
            return False
        cleaned = self._cleaned()
        return not cleaned.get("province") and cleaned.get("scope") != ALL_PROVINCES

    def _cleaned(self) -> dict:
        if not hasattr(self.form, "cleaned_data"):
            self.form.is_valid()  # values that fail are left out, as everywhere on the list
        return self.form.cleaned_data

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.shows_own_province_by_default:
            queryset = queryset.filter(province_id=self.officer_province_id)
        return queryset

    def show_all_query(self) -> dict:
        """The query that lists every recommendation this user can see in the list."""
        return {"scope": ALL_PROVINCES} if self.officer_province_id is not None else {}

    def chips(self) -> list[Chip]:
        """The active filters, with the officer's province scope first: "My province" removes
        itself to every province, "all provinces" back to their own."""
        chips = active_filters(self, exclude=("ordering", "scope"))
        if self.officer_province_id is None:
            return chips
        query = self.data.copy()
        query.pop("page", None)
        if self.shows_own_province_by_default:
            query["scope"] = ALL_PROVINCES
            province = self.user.provincial_officer.province
            chip = Chip(label=_("My province"), value=province.name, query=query, is_default=True)
            return [chip, *chips]
        cleaned = self._cleaned()
        if cleaned.get("scope") == ALL_PROVINCES and not cleaned.get("province"):
            query.pop("scope", None)
            return [Chip(label=_("Provinces"), value=_("all provinces"), query=query), *chips]
        return chips

    def filter_state(self, queryset, name, value):
        return queryset.open() if value == "open" else queryset.closed()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "yes" else queryset.not_overdue()

    def filter_mine(self, queryset, name, value):
        # Lead or supporting: both units see it as theirs.
        return work.of_units(queryset, work.unit_ids_query(self.user))

    def filter_work(self, queryset, name, value):
        return work.section_queryset(self.user, value, queryset=queryset)

    def filter_closed(self, queryset, name, value):
        """Moved from an open status to a closed one between the two dates (one condition for
        both bounds, so a recommendation closed, reopened and closed again is judged by one
        closing)."""
        cleaned = self._cleaned()
        start, end = cleaned.get("closed_after"), cleaned.get("closed_before")
        if name == "closed_before" and start:
            return queryset  # applied with closed_after
        closings = StatusChange.objects.filter(
            recommendation=OuterRef("pk"), to_status__in=CLOSED_STATUSES
        ).exclude(from_status__in=CLOSED_STATUSES)
        if start:
            closings = closings.filter(changed_at__gte=start_of_day(start))
        if end:
            closings = closings.filter(changed_at__lt=start_of_day(end + datetime.timedelta(1)))
        return queryset.filter(Exists(closings))

    def filter_scope(self, queryset, name, value):
        return queryset  # read by ``shows_own_province_by_default``
