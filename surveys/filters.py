import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from provinces.models import Province
from tracker.filters import FilterSet, OrderingFilter, SearchFilter
from tracker.reference import CachedModelChoiceFilter, CachedModelMultipleChoiceFilter
from tracker.widgets import CheckboxList, FastSelect

from .models import Delegation, Field, Finding, Theme

ALL = _("All")


# The filters the obstacles and the recommendations lists share (both rows have a province,
# a theme, fields and a visit), built in one place so both lists read the same URLs.


def province_filter(**extra):
    """Several provinces, by their code in the URL (``province=22&province=24``)."""
    return CachedModelMultipleChoiceFilter(
        field_name="province__code",
        distinct=False,  # a column of the row: nothing to de-duplicate
        queryset=Province.objects.alphabetical(),
        to_field_name="code",
        label=pgettext_lazy("province or city", "Province"),
        widget=CheckboxList(filterable=True),
        **extra,
    )


def theme_filter():
    return django_filters.ChoiceFilter(
        choices=Theme.choices, label=_("Theme"), empty_label=ALL, widget=FastSelect
    )


def field_filter():
    """One field, by its code (``field=digital-transformation``)."""
    return CachedModelChoiceFilter(
        field_name="fields",
        queryset=Field.objects.all(),
        to_field_name="code",
        label=_("Field"),
        empty_label=ALL,
        widget=FastSelect,
    )


def delegation_filter():
    """The delegation whose visit it came from."""
    return CachedModelChoiceFilter(
        field_name="visit__delegation",
        queryset=Delegation.objects.all(),
        label=_("Delegation"),
        empty_label=ALL,
        widget=FastSelect,
    )


class ObstacleFilter(FilterSet):
    q = SearchFilter(
        help_text=_("Words from the obstacle or its province. Accents and capitals do not matter.")
    )
    province = province_filter(null_label=_("Nationwide"))
    theme = theme_filter()
    field = field_filter()
    delegation = delegation_filter()
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
