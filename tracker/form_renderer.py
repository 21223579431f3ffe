"""The site's form renderer: Django's, with its commonest widget templates written in Python.

Every ``<input>``, ``<textarea>`` and ``<select>`` Django draws goes through two or three
templates (the widget's, ``attrs.html``, one more per ``<option>``): a recommendation's page with
its triage and status forms rendered about a hundred of them, a third of the page's time. Here
those templates are produced by string building with the same escaping (``tracker.widgets.esc``,
what ``{{ … }}`` does) and the same output once stripped, as ``BaseRenderer.render`` strips it;
every other template (radio buttons, file inputs with their "clear" box, the admin's own widgets,
form and field layouts) is rendered by Django as before.

``settings.FORM_RENDERER`` names it, so the admin's forms are drawn the same way.
"""

from django.forms.renderers import DjangoTemplates

from .widgets import attrs_html, esc

WIDGETS = "django/forms/widgets/"
#: The widget templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing
#: else (file.html included: a file input shows no value).
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "search",
        "number",
        "email",
        "url",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "color",
        "checkbox",
        "file",
    )
}


def input_html(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{esc(value)}"'
    return (
        f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"{shown}'
        f"{attrs_html(widget['attrs'])}>"
    )


def textarea_html(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{esc(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{esc(value) if value else ''}</textarea>"
    )


def select_html(widget: dict) -> str:
    parts = [f'<select name="{esc(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in options:
            # select_option.html ends with a newline, which its include keeps.
            parts.append(
                f'\n  <option value="{esc(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{esc(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def option_html(widget: dict) -> str:
    """One radio button or checkbox of a group (``BoundWidget.tag()``, which the site's
    ``field_row`` uses), optionally wrapped in its label as ``input_option.html`` does."""
    box = input_html(widget)
    if not widget.get("wrap_label"):
        return box
    target = widget["attrs"].get("id")
    label_for = f' for="{esc(target)}"' if target else ""
    return f"<label{label_for}>{box}\n {esc(widget['label'])}</label>"


RENDERERS = {
    **{name: input_html for name in INPUTS},
    **{
        f"{WIDGETS}{name}.html": option_html
        for name in ("input_option", "radio_option", "checkbox_option")
    },
    f"{WIDGETS}textarea.html": textarea_html,
    f"{WIDGETS}select.html": select_html,
}


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        draw = RENDERERS.get(template_name)
        widget = context.get("widget") if draw else None
        # A select's options must be Django's own option template to be drawn here.
        if widget is None or (draw is select_html and not _plain_options(widget)):
            return super().render(template_name, context, request=request)
        return draw(widget)


def _plain_options(widget: dict) -> bool:
    return all(
        option.get("template_name") == f"{WIDGETS}select_option.html"
        for _name, options, _index in widget["optgroups"]
        for option in options
    )
