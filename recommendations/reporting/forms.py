"""What a person asks of a report: a period and optional filters."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provinces.models import Province
from surveys.models import Field, MinistryUnit, Survey
from tracker.filters import DateInput

from .asof import next_month


class ReportForm(forms.Form):
    PERIODS = [
        ("month", _("a month")),
        ("quarter", _("a quarter")),
        ("year", _("a year")),
        ("range", _("from … to …")),
    ]
    period = forms.ChoiceField(
        label=_("Period"), choices=PERIODS, initial="month", widget=forms.RadioSelect
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[(n, f"{n:02d}") for n in range(1, 13)],
        coerce=int,
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(n, f"{n}") for n in range(1, 5)], coerce=int, required=False
    )
    date_from = forms.DateField(label=_("From (dd/mm/yyyy)"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To (dd/mm/yyyy)"), required=False, widget=DateInput)
    survey = forms.ModelChoiceField(
        label=_("Survey campaign"), queryset=Survey.objects.all(), required=False
    )
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces"),
        queryset=Province.objects.alphabetical(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Responsible units"),
        queryset=MinistryUnit.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    fields = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period, year = data.get("period"), data.get("year") or today.year
        if period == "month":
            if not data.get("month"):
                self.add_error("month", _("Choose the month."))
                return data
            start = datetime.date(year, data["month"], 1)
            end = next_month(start) - datetime.timedelta(days=1)
        elif period == "quarter":
            if not data.get("quarter"):
                self.add_error("quarter", _("Choose the quarter."))
                return data
            start = datetime.date(year, 3 * data["quarter"] - 2, 1)
            end = next_month(next_month(next_month(start))) - datetime.timedelta(days=1)
        elif period == "year":
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        elif period == "range":
            start, end = data.get("date_from"), data.get("date_to")
            if not start:
                self.add_error("date_from", _("Enter the first day, as dd/mm/yyyy."))
            if not end:
                self.add_error("date_to", _("Enter the last day, as dd/mm/yyyy."))
            if not (start and end):
                return data
            if start > end:
                self.add_error("date_to", _("The last day must not be before the first."))
                return data
        else:
            return data
        if start > today:
            self.add_error(None, _("This period has not started yet."))
            return data
        # A period still running is reported as of today: tomorrow is not known yet.
        data["start"], data["as_of"] = start, min(end, today)
        return data

    def scope_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "survey": data["survey"].pk if data.get("survey") else None,
            "provinces": [p.pk for p in data.get("provinces") or []],
            "units": [u.pk for u in data.get("units") or []],
            "fields": [f.pk for f in data.get("fields") or []],
        }

    def description(self) -> str:
        data = self.cleaned_data
        parts = [f"{data['start']:%d/%m/%Y} – {data['as_of']:%d/%m/%Y}"]
        if data.get("survey"):
            parts.append(str(data["survey"]))
        for name in ("provinces", "units", "fields"):
            chosen = data.get(name) or []
            if chosen:
                parts.append(", ".join(str(item) for item in chosen))
        return "; ".join(parts)
