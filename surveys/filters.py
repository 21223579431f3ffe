import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from provinces.models import Province
from tracker.filters import OrderingFilter, SearchFilter

from .models import Delegation, Field, Finding, Theme

ALL = _("All")


class ObstacleFilter(django_filters.FilterSet):
    q = SearchFilter(
        help_text=_("Words from the obstacle or its province. Accents and capitals do not matter.")
    )
    province = django_filters.ModelMultipleChoiceFilter(
        field_name="province__code",
        distinct=False,  # a column of the row: nothing to de-duplicate
        queryset=Province.objects.alphabetical(),
        to_field_name="code",
        label=pgettext_lazy("province or city", "Province"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        null_label=_("Nationwide"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    theme = django_filters.ChoiceFilter(choices=Theme.choices, label=_("Theme"), empty_label=ALL)
    field = django_filters.ModelChoiceFilter(
        field_name="fields",
        queryset=Field.objects.all(),
        to_field_name="code",
        label=_("Field"),
        empty_label=ALL,
    )
    delegation = django_filters.ModelChoiceFilter(
        field_name="visit__delegation",
        queryset=Delegation.objects.all(),
        label=_("Delegation"),
        empty_label=ALL,
    )
    ordering = OrderingFilter(
        fields=[("province__search_name", "province"), ("theme", "theme")],
        choices=[
            ("province", _("Province, A to Z")),
            ("-province", _("Province, Z to A")),
            ("theme", _("Theme")),
        ],
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Finding
        fields = []
