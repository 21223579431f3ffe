from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from surveys.models import MinistryUnit
from tracker.filters import DateInput
from tracker.reference import ReferenceChoiceField, ReferenceMultipleChoiceField

from . import access
from .documents import check_upload
from .models import (
    CLOSED_STATUSES,
    RECOMMENDED_FIELDS,
    Priority,
    Recommendation,
    ReplyDocument,
    Status,
)
from .services import StaleRecommendation, check_transition


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content (``documents.check_upload``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]
        cleaned = [upload for upload in cleaned if upload]
        errors = []
        for upload in cleaned:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


def transition_choices(user, recommendation) -> list[tuple[str, str]]:
    """The statuses ``user`` may move ``recommendation`` to, for a select box."""
    return [
        (t.target, Status(t.target).label) for t in access.allowed_transitions(user, recommendation)
    ]


def add_service_errors(form, error: Exception, *, fallback: str) -> None:
    """Show a service's ValidationError/PermissionDenied on the form, each message on its field
    when the form has it, else on ``fallback``."""
    if isinstance(error, PermissionDenied):
        form.add_error(fallback, str(error) or _("You may not change this recommendation."))
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else fallback, messages)
    else:
        form.add_error(fallback, error.messages)


class RecommendationAdminForm(forms.ModelForm):
    """The admin's change form: model fields plus a status move and a comment, both checked by
    the lifecycle service, and the version the user loaded (so a concurrent save is refused)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_status = forms.ChoiceField(
        label=_("move to status"),
        required=False,
        help_text=_("Only the statuses you may choose from the current one are offered."),
    )
    comment = forms.CharField(
        label=_("comment or progress note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Written to the history. Required when reopening or proposing closure."),
    )

    #: Set by RecommendationAdmin.get_form: the user filling the form.
    user = None

    class Meta:
        model = Recommendation
        fields = [
            *RECOMMENDED_FIELDS,
            "responsible_unit",
            "priority",
            "due_date",
            "resolution_note",
            "reply_reference",
            "reply_date",
            "source",
            "key",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["new_status"].choices = [
                ("", _("— keep “%(status)s” —") % {"status": self.instance.get_status_display()}),
                *transition_choices(self.user, self.instance),
            ]
        else:
            del self.fields["new_status"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = (
            Recommendation.objects.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if cleaned.get("loaded_version") is not None and cleaned["loaded_version"] != current:
            raise StaleRecommendation()
        target = cleaned.get("new_status")
        if target:
            try:
                check_transition(
                    recommendation=self.instance,
                    to_status=target,
                    by=self.user,
                    comment=cleaned.get("comment", ""),
                    resolution_note=cleaned.get("resolution_note"),
                    responsible_unit=cleaned.get("responsible_unit"),
                )
            except (ValidationError, PermissionDenied) as error:
                add_service_errors(self, error, fallback="new_status")
        return cleaned


class BulkTriageForm(forms.Form):
    """Triage applied to a selection: any of unit, priority, due date, and a status move."""

    responsible_unit = ReferenceChoiceField(
        label=_("responsible unit"),
        queryset=MinistryUnit.objects.all(),
        required=False,
        empty_label="—",
    )
    priority = forms.TypedChoiceField(
        label=_("priority"),
        choices=[("", "—"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    due_date = forms.DateField(label=_("due date"), required=False, widget=DateInput)
    new_status = forms.ChoiceField(
        label=_("move to status"), choices=[("", "—"), *Status.choices], required=False
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolution_note = forms.CharField(
        label=_("resolution note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the move closes the recommendations."),
    )

    def clean(self):
        cleaned = super().clean()
        wanted = [
            cleaned.get("responsible_unit"),
            cleaned.get("priority"),
            cleaned.get("due_date"),
            cleaned.get("new_status"),
        ]
        if all(value in (None, "") for value in wanted):
            raise ValidationError(_("Choose at least one change to apply."))
        # Said once here rather than once per recommendation by the service.
        if cleaned.get("new_status") in CLOSED_STATUSES and not cleaned.get("resolution_note"):
            self.add_error("resolution_note", _("Closing needs a resolution note."))
        return cleaned

    def service_arguments(self) -> dict:
        """What ``recommendations_bulk_apply`` needs from this form (once it is valid)."""
        data = self.cleaned_data
        return {
            "responsible_unit": data["responsible_unit"],
            "priority": data["priority"],
            "due_date": data["due_date"],
            "to_status": data["new_status"] or None,
            "comment": data["comment"],
            "resolution_note": data["resolution_note"] or None,
        }


# --- the detail page's actions ----------------------------------------------------------------


def _statuses_label(statuses) -> str:
    return ", ".join(f"“{Status(status).label}”" for status in statuses)


class VersionedForm(forms.Form):
    """A form about one recommendation, carrying the version the user loaded so that a save
    over someone else's change is refused (the view compares it, the service checks it again
    under the row lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, user, recommendation, **kwargs):
        self.user = user
        self.recommendation = recommendation
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = recommendation.version


class StatusChangeForm(VersionedForm):
    """Move a recommendation to one of the statuses this user may choose from its current one,
    with the comment, unit and resolution the move needs."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    responsible_unit = ReferenceChoiceField(
        label=_("Responsible unit"),
        queryset=MinistryUnit.objects.all(),
        required=False,
        help_text=_("Needed when assigning: the ministry unit that will handle it."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    resolution_note = forms.CharField(
        label=_("Resolution note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when closing: how the recommendation was resolved or answered."),
    )
    # Evidence (issue 12): what was done, files attached by whoever proposes closure,
    # documents cited by whoever closes. Replaces the free-text reply number and date.
    results = forms.CharField(
        label=_("Results achieved, grounds for proposing closure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when proposing closure: what was done, by whom, with what result."),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_(
            "A report, minutes of acceptance, a decision, photos: PDF, DOCX, XLSX, JPEG or PNG."
        ),
    )
    # The register's documents from the shared cache (a registered or edited document raises
    # the reference version, recommendations/apps.py); what is submitted is checked in the
    # database, as always.
    documents = ReferenceMultipleChoiceField(
        label=_("Documents cited"),
        queryset=ReplyDocument.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("The reply documents this step relies on (register them first)."),
    )
    no_document_reason = forms.CharField(
        label=_("Why no document"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When closing without citing a document: say why there is none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recommendation = self.recommendation
        self.transitions = access.allowed_transitions(self.user, recommendation)
        self.fields["status"].choices = transition_choices(self.user, recommendation)
        self.closing_statuses = [t.target for t in self.transitions if t.closes]
        self.unit_statuses = [t.target for t in self.transitions if t.needs_unit]

        needs_comment = [t.target for t in self.transitions if t.needs_comment]
        comment = self.fields["comment"]
        if needs_comment:
            comment.help_text = _(
                "Written to the history. Required when moving to %(statuses)s: give the reason "
                "or the evidence."
            ) % {"statuses": _statuses_label(needs_comment)}
        else:
            comment.help_text = _("Written to the history. Optional.")

        # A unit is chosen here only for the first assignment; later the triage form changes it.
        if not (
            self.unit_statuses
            and recommendation.responsible_unit_id is None
            and access.can_triage(self.user, recommendation)
        ):
            del self.fields["responsible_unit"]
            self.unit_statuses = []
        if self.closing_statuses:
            self.fields["resolution_note"].initial = recommendation.resolution_note
        else:
            del self.fields["resolution_note"]
        # Officers propose closure with evidence; staff close citing documents.
        self.proposing = Status.RESOLUTION_PROPOSED in [t.target for t in self.transitions]
        self.evidence_statuses = [
            t.target for t in self.transitions if t.closes or t.target == Status.RESOLUTION_PROPOSED
        ]
        if not self.proposing:
            del self.fields["results"]
        if not self.evidence_statuses:
            for name in ("files", "documents", "no_document_reason"):
                del self.fields[name]
        elif not self.closing_statuses:
            del self.fields["no_document_reason"]

    def service_arguments(self) -> dict:
        """What ``recommendation_transition`` needs from this form (once it is valid)."""
        data = self.cleaned_data
        comment = data.get("comment", "")
        if data.get("status") == Status.RESOLUTION_PROPOSED and "results" in self.fields:
            # The history keeps what was done first, then any further comment.
            comment = "\n".join(filter(None, [data.get("results", "").strip(), comment.strip()]))
        arguments = {
            "to_status": data.get("status"),
            "comment": comment,
            "responsible_unit": data.get("responsible_unit"),
            "expected_version": data.get("version"),
        }
        if data.get("status") in CLOSED_STATUSES:
            arguments["resolution_note"] = data.get("resolution_note", "")
        if data.get("status") in self.evidence_statuses:
            arguments.update(
                files=data.get("files") or [],
                documents=list(data.get("documents") or []),
                no_document_reason=data.get("no_document_reason", ""),
            )
        return arguments

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("status"):
            return cleaned
        proposing = cleaned["status"] == Status.RESOLUTION_PROPOSED and "results" in self.fields
        if proposing and not cleaned.get("results", "").strip():
            self.add_error("results", _("Write what was done: the grounds for closing."))
            return cleaned
        # The one rule, asked now for a friendly message; the service asks it again under the
        # row lock when saving.
        arguments = self.service_arguments()
        try:
            check_transition(
                recommendation=self.recommendation,
                to_status=arguments["to_status"],
                by=self.user,
                comment=arguments["comment"],
                resolution_note=arguments.get("resolution_note"),
                responsible_unit=arguments["responsible_unit"],
                files=arguments.get("files"),
                documents=arguments.get("documents"),
                no_document_reason=arguments.get("no_document_reason"),
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(self, error, fallback="status")
        return cleaned


class ProgressNoteForm(VersionedForm):
    """A progress note on the timeline; the status stays as it is."""

    comment = forms.CharField(
        label=_("Progress note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has been done, by whom, what comes next. Written to the history."),
        error_messages={"required": _("Write the progress note.")},
    )


class TriageForm(VersionedForm):
    """The ministry's triage: responsible unit, priority and due date."""

    responsible_unit = ReferenceChoiceField(
        label=_("Responsible unit"),
        queryset=MinistryUnit.objects.all(),
        required=False,
        empty_label=_("— not assigned —"),
    )
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=DateInput,
        help_text=_("For example 31/12/2025. Leave empty for no due date."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: why, written to the history with the change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recommendation = self.recommendation
        self.fields["responsible_unit"].help_text = _(
            "Giving a unit to a new or reported recommendation also moves it to “%(status)s”; "
            "the unit's staff are e-mailed."
        ) % {"status": Status.ASSIGNED.label}
        self.fields["responsible_unit"].initial = recommendation.responsible_unit_id
        self.fields["priority"].initial = recommendation.priority
        self.fields["due_date"].initial = recommendation.due_date

    def changes(self) -> dict:
        names = ("responsible_unit", "priority", "due_date")
        return {name: self.cleaned_data[name] for name in names}
