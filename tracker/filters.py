"""Pieces every list page's FilterSet shares: the free-text search, ordering that pages stably,
date bounds, and the "active filter" chips shown above the results."""

import copy
import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

#: (FilterSet class, its filters' names) → the form class django-filter built for them.
_FORM_CLASSES: dict[tuple, type] = {}


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, its form class built once per set of filters.

    django-filter builds a new form class for every request: a field per filter, then a class
    through Django's form metaclass – 2 ms of the list's 30. The class depends only on which
    filters the set has (a FilterSet may drop some for some users), so it is kept; each request
    still gets its own form, with its own copies of the fields, as with any Django form. Sets
    whose querysets depend on the request are built every time.

    Its filters are copied one level deep, not with ``copy.deepcopy`` (which copied every
    filter's queryset, choices and widget: half a millisecond a request). A filter's state is
    its ``extra`` (the field's arguments, which the field copies as it is built), its form
    field (built per copy) and its method, bound again to the copy below."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's BaseFilterSet.__init__, but for how the filters are copied.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _copy_filter(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        if any(callable(f.extra.get("queryset")) for f in self.filters.values()):
            return super().get_form_class()
        key = (type(self), tuple(self.filters))
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class


def _copy_filter(base):
    filter_ = copy.copy(base)
    filter_.extra = base.extra.copy()
    filter_.__dict__.pop("_field", None)
    if getattr(base, "_method", None) is not None:
        # A FilterMethod calls its filter's parent: it must be the copy's, not the base's.
        filter_.method = base._method
    return filter_


class SearchFilter(django_filters.CharFilter):
    """The ``q`` box: hands the term to the queryset's ``search()``, which folds it and matches
    the model's folded columns (see ``tracker.text.folded_search``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.search(value) if value and value.strip() else qs


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy, whatever the browser's locale (a native date picker shows
    mm/dd/yyyy in an American-English browser); yyyy-mm-dd is accepted too."""

    def __init__(self, attrs=None):
        attrs = {"inputmode": "numeric", "autocomplete": "off", "size": 10, **(attrs or {})}
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the ministry's time zone, to bound a timestamp column by dates
    while still using its index (``__date`` would wrap the column in a function)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


#: The dates a filter takes: a year such as 9999 or 1 is a typing slip, and past the ends of
#: what the database and time zones can hold (31/12/9999 plus a day overflows).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class BoundedDateField(forms.DateField):
    """A date between ``EARLIEST_DATE`` and ``LATEST_DATE``; others are a form error."""

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s."),
                code="date_range",
                params={
                    "earliest": formats.date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                    "latest": formats.date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
                },
            )


class DateFromFilter(django_filters.DateFilter):
    """Rows on or after a date; on a timestamp column, from the start of that day."""

    field_class = BoundedDateField

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput)
        kwargs.setdefault("help_text", _("For example 31/12/2025"))
        self.timestamp = kwargs.pop("timestamp", False)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        bound = start_of_day(value) if self.timestamp else value
        return qs.filter(**{f"{self.field_name}__gte": bound})


class DateUntilFilter(DateFromFilter):
    """Rows on or before a date; on a timestamp column, up to the end of that day."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.timestamp:
            return qs.filter(
                **{f"{self.field_name}__lt": start_of_day(value + datetime.timedelta(days=1))}
            )
        return qs.filter(**{f"{self.field_name}__lte": value})


class OrderingFilter(django_filters.OrderingFilter):
    """Ordering by the offered columns only, empty values last on every database, and the
    primary key as the last key so that pages never repeat or skip a row."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in django_filters.constants.EMPTY_VALUES:
                continue
            name = self.get_ordering_value(param)
            descending = name.startswith("-")
            column = F(name.removeprefix("-"))
            ordering.append(
                column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
            )
        if not ordering:
            return qs
        last = ordering[-1]
        ordering.append(F("pk").desc() if last.descending else F("pk").asc())
        return qs.order_by(*ordering)


@dataclass(frozen=True)
class Chip:
    """One active filter value, with the query string that removes it."""

    label: str
    value: str
    query: QueryDict
    #: The list's own default (an officer's province), not a filter the user chose.
    is_default: bool = False


def _display(field, value) -> str:
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    null_value = getattr(field, "null_value", None)
    if getattr(field, "null_label", None) is not None and value == null_value:
        return str(field.null_label)
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        for key, label in field.choices:
            if str(key) == str(value):
                return str(label)
    return str(value)


def _raw(field, value) -> str:
    """The value as it stands in the URL."""
    if hasattr(value, "pk"):
        return str(getattr(value, getattr(field, "to_field_name", None) or "pk"))
    return str(value)


def active_filters(filterset, *, exclude=("ordering",)) -> list[Chip]:
    """A chip for every filter value in use, each linking to the same list without it."""
    if not filterset.is_bound:
        return []
    form = filterset.form
    if not hasattr(form, "cleaned_data"):
        form.is_valid()
    data = filterset.data.copy() if isinstance(filterset.data, QueryDict) else QueryDict("", True)
    data.pop("page", None)
    chips = []
    for name, value in form.cleaned_data.items():
        if name in exclude or value in (None, "", [], ()):
            continue
        field = form.fields[name]
        label = str(field.label)
        values = list(value) if isinstance(value, list | tuple | QuerySet) else [value]
        for item in values:
            query = data.copy()
            remaining = [raw for raw in query.getlist(name) if raw != _raw(field, item)]
            if len(values) > 1 and remaining:
                query.setlist(name, remaining)
            else:
                query.pop(name, None)
            chips.append(Chip(label=label, value=_display(field, item), query=query))
    return chips
