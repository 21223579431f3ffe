"""Form fields and widgets that render themselves in Python.

Django's widgets render a template each, its choice widgets one more per option: the
recommendations' filter form alone took about 500 template renders a page (34 provinces,
24 units, statuses, fields…), most of the list's time. These widgets, and ``field_row`` – the
GOV.UK field every form of the site shows (label, hint, errors, widget) – produce the same HTML
with ``format_html``, escaped exactly as the templates would, in one pass.
"""

import html

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

#: Widgets shown as a group of choices under a legend rather than one labelled control.
GROUPED_WIDGETS = {"checkboxselectmultiple", "radioselect", "checkboxlist"}


def field_row(field) -> SafeString:
    """One bound form field, GOV.UK style: label (a legend for a group of choices) above, the
    hint, each error repeated beside the field, then the widget."""
    label = capfirst(field.label)
    error_prefix = _("Error")
    css = "field field--error" if field.errors else "field"
    if field.widget_type in GROUPED_WIDGETS:
        hint_id = f"{field.auto_id}_hint"
        hint = (
            format_html('<p class="field__hint" id="{}">{}</p>', hint_id, field.help_text)
            if field.help_text
            else ""
        )
        errors = format_html_join(
            "",
            '<p class="field__error"><span class="visually-hidden">{}:</span> {}</p>',
            ((error_prefix, error) for error in field.errors),
        )
        if field.widget_type == "checkboxlist":
            widget = str(field)
        else:
            widget = format_html(
                '<div class="choices">{}</div>',
                format_html_join(
                    "",
                    '<label class="choice" for="{}">{} <span>{}</span></label>',
                    ((c.id_for_label, c.tag(), c.choice_label) for c in field),
                ),
            )
        return format_html(
            '<div class="{}" id="field-{}"><fieldset class="field__fieldset"{}>'
            '<legend class="field__label">{}</legend>{}{}{}</fieldset></div>',
            css,
            field.html_name,
            format_html(' aria-describedby="{}"', hint_id) if field.help_text else "",
            label,
            hint,
            errors,
            widget,
        )
    hint = (
        format_html(
            '<p class="field__hint" id="{}_helptext">{}</p>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    errors = format_html_join(
        "",
        '<p class="field__error" id="{}_error"><span class="visually-hidden">{}:</span> {}</p>',
        ((field.auto_id, error_prefix, error) for error in field.errors),
    )
    return format_html(
        '<div class="{}" id="field-{}"><label class="field__label" for="{}">{}</label>{}{}{}</div>',
        css,
        field.html_name,
        field.id_for_label,
        label,
        hint,
        errors,
        str(field),
    )


def esc(value) -> str:
    """``value`` escaped for HTML exactly as ``format_html`` and the templates escape it (safe
    HTML is kept), without their per-call checks for lazy arguments: the lists' options and
    rows escape a few hundred values a page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _selected(value) -> set[str]:
    if value is None:
        return set()
    values = value if isinstance(value, list | tuple) else [value]
    return {str(item) for item in values if item is not None}


def attrs_html(attrs: dict) -> str:
    """``attrs`` as HTML attributes, as Django's ``attrs.html`` writes them: ``True`` as a
    bare attribute, ``False`` left out, others ``="value"`` (escaped)."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {esc(name)}")
        elif value is not False:
            parts.append(f' {esc(name)}="{esc(value)}"')
    return "".join(parts)


class FastSelect(forms.Select):
    """A ``<select>`` rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = _selected(self.format_value(value))
        options = "".join(
            f'<option value="{esc(option_value)}"'
            f"{' selected' if option_value in chosen else ''}>{esc(label)}</option>"
            for option_value, label in self._flat_choices()
        )
        multiple = " multiple" if self.allow_multiple_selected else ""
        return mark_safe(  # every value above is escaped
            f'<select name="{esc(name)}"{attrs_html(attrs)}{multiple}>{options}</select>'
        )

    def _flat_choices(self):
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup: its options, flattened
                yield from (("" if value is None else str(value), text) for value, text in label)
            else:
                yield ("" if option_value is None else str(option_value)), label


class CheckboxList(forms.CheckboxSelectMultiple):
    """Several choices as a list of checkboxes, rendered in one pass. With
    ``filterable=True`` the list carries ``data-filterable``: static/js/tracker.js adds a
    "type to filter" box above it (without JavaScript it is a plain list)."""

    def __init__(self, attrs=None, choices=(), *, filterable=False):
        super().__init__(attrs, choices)
        self.filterable = filterable

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or f"id_{name}"
        chosen = _selected(self.format_value(value))
        box_id, box_name = esc(base_id), esc(name)
        rows = []
        for index, (option_value, label) in enumerate(self.choices):
            option_value = "" if option_value is None else str(option_value)
            checked = " checked" if option_value in chosen else ""
            rows.append(
                f'<label class="choice" for="{box_id}_{index}"><input type="checkbox" '
                f'id="{box_id}_{index}" name="{box_name}" value="{esc(option_value)}"{checked}> '
                f"<span>{esc(label)}</span></label>"
            )
        items = mark_safe("".join(rows))
        filterable = (
            format_html(
                ' data-filterable data-filter-placeholder="{}" data-filter-label="{}"',
                _("Type to filter"),
                _("Filter the choices of this list"),
            )
            if self.filterable
            else ""
        )
        return format_html(
            '<div class="choices{}" id="{}"{}>{}</div>',
            " choices--long" if self.filterable else "",
            base_id,
            filterable,
            items,
        )

    def id_for_label(self, id_, index=None):
        # The legend names the group; an error summary's link leads to the first box.
        return f"{id_}_{index or 0}" if id_ else ""
