"""Forms of the reply documents register and of the groups (issue 12)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import MinistryUnit
from tracker.filters import DateInput

from .forms import MultipleFileField
from .models import CLOSED_STATUSES, ReplyDocument, Status


class DocumentForm(forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=100,
        help_text=_("As written on the document, e.g. 1234/BKHCN-PC."),
        error_messages={"required": _("Give the document's number and symbol.")},
    )
    issued_on = forms.DateField(
        label=_("Date of issue"), required=False, widget=DateInput, help_text=_("e.g. 15/10/2025")
    )
    issuer = forms.CharField(label=_("Issuing body"), max_length=200, required=False)
    signer = forms.CharField(label=_("Signer"), max_length=120, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=120, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, JPEG or PNG; checked by their content."),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        help_text=_("Shown on the public pages. Leave unticked for internal documents."),
    )


class GroupForm(forms.Form):
    title = forms.CharField(
        label=_("Group title"),
        max_length=300,
        error_messages={"required": _("Give the group a title.")},
    )
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=MinistryUnit.objects.all(), required=False, empty_label="—"
    )


class GroupAnswerForm(forms.Form):
    """One decision for the ticked open members of a group."""

    status = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolution_note = forms.CharField(
        label=_("Resolution note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when closing: how the recommendations were answered."),
    )
    document = forms.ModelChoiceField(
        label=_("Reply document"),
        queryset=ReplyDocument.objects.all(),
        required=False,
        empty_label="—",
        help_text=_("The one document that answers them (register it first)."),
    )
    no_document_reason = forms.CharField(
        label=_("Why no document"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every status but "new": the lifecycle decides, member by member, what may move.
        self.fields["status"].choices = [
            ("", "—"),
            *((value, label) for value, label in Status.choices if value != Status.NEW),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in CLOSED_STATUSES and not cleaned.get("resolution_note"):
            self.add_error("resolution_note", _("Closing needs a resolution note."))
        return cleaned
