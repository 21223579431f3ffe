"""The site's form renderer draws inputs, textareas and selects in Python: the HTML must be
exactly what Django's own templates give, escaping included."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from tracker.form_renderer import FastRenderer

HOSTILE = '"><script>alert(1)</script>&amp;'


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="hint")
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "data-x": HOSTILE}))
    number = forms.IntegerField(min_value=1)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(format="%d/%m/%Y", attrs={"size": 10}))
    flag = forms.BooleanField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(choices=[("", "—"), ("a", "Hà Nội"), ("b", HOSTILE)])
    grouped = forms.ChoiceField(
        choices=[("Miền Bắc", [("hn", "Hà Nội"), ("qn", "Quảng Ninh")]), ("x", "Khác")]
    )
    several = forms.MultipleChoiceField(choices=[("1", "một"), ("2", "hai"), ("3", "ba")])
    upload = forms.FileField(required=False)
    status = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "mới"), ("b", HOSTILE)])
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("1", "một"), ("2", "<b>hai</b>")]
    )


DATA = {
    "text": HOSTILE[:20],
    "search": "đào tạo",
    "number": "0",
    "hidden": HOSTILE,
    "date": datetime.date(2026, 12, 31),
    "flag": "on",
    "password": "bí mật",
    "notes": f"dòng 1\n{HOSTILE}",
    "choice": "b",
    "grouped": "qn",
    "several": ["1", "3"],
    "status": "b",
    "boxes": ["2"],
}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound with errors"])
def test_every_widget_is_drawn_exactly_as_django_draws_it(bound):
    fast, django = (
        Everything(DATA if bound else None, initial=DATA, renderer=renderer)
        for renderer in (FastRenderer(), DjangoTemplates())
    )
    if bound:
        assert not fast.is_valid() and not django.is_valid()  # number below its minimum
    for name in Everything.base_fields:
        assert str(fast[name]) == str(django[name]), name
    # Each radio button and checkbox alone (``field_row`` draws them so), bare and labelled.
    for name in ("status", "boxes"):
        for fast_box, django_box in zip(fast[name], django[name], strict=True):
            assert fast_box.tag() == django_box.tag()
            assert fast_box.tag(wrap_label=True) == django_box.tag(wrap_label=True)
    assert "<script>" not in str(fast["search"]) + str(fast["choice"]) + str(fast["notes"])


def test_the_site_and_the_admin_use_it():
    assert isinstance(get_default_renderer(), FastRenderer)
