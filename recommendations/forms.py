from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from surveys.models import MinistryUnit

from . import access
from .models import Priority, Recommendation, Status
from .services import StaleRecommendation, check_transition


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
            "province",
            "visit",
            "text",
            "addressed_to",
            "theme",
            "fields",
            "obstacles",
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

    responsible_unit = forms.ModelChoiceField(
        label=_("responsible unit"), queryset=MinistryUnit.objects.all(), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("priority"),
        choices=[("", "—"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    due_date = forms.DateField(label=_("due date"), required=False)
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
        return cleaned
