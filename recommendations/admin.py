from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from surveys.admin import FindingAdmin as SurveysFindingAdmin
from surveys.admin import VisitAdmin as SurveysVisitAdmin
from surveys.models import Finding, Visit
from tracker.admin import FoldedSearchMixin, ReadOnlyAdminMixin, TrackerExportMixin

from . import access, import_admin  # noqa: F401 (registers the import batches' admin)
from .forms import BulkTriageForm, RecommendationAdminForm
from .imports.exporting import VisitNotesExportResource
from .models import (
    RECOMMENDED_FIELDS,
    Authority,
    CalendarDay,
    DeadlineRule,
    Recommendation,
    SentMail,
    StatusChange,
)
from .resources import RecommendationResource
from .services import (
    CONTENT_FIELDS,
    M2M_FIELDS,
    TRIAGE_FIELDS,
    recommendation_edit,
    recommendation_register,
    recommendations_bulk_apply,
)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=Recommendation.objects.overdue().values("pk"))
        return queryset


class StatusChangeInline(admin.TabularInline):
    """The history, read-only: entries are written by the lifecycle service, never by hand."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields
    ordering = ["changed_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecommendationInline(admin.StackedInline):
    """Recommendations on a visit's page. Status is read-only here: it moves through the
    lifecycle on the recommendation's own page."""

    model = Recommendation
    extra = 0
    can_delete = False
    fields = ["text", "theme", "fields", "addressed_to", "obstacles", "status", "key"]
    readonly_fields = ["status"]
    filter_horizontal = ["fields", "addressed_to"]
    autocomplete_fields = ["obstacles"]
    show_change_link = True


@admin.register(Recommendation)
class RecommendationAdmin(TrackerExportMixin, FoldedSearchMixin, admin.ModelAdmin):
    """Recommendations in the admin. Every write goes through ``services``: the content and
    triage edits, the status move and the note of one form through ``recommendation_edit``.
    Provincial officers see only their province's rows and may only move them along the
    transitions open to them. Export only: recommendations enter through the visit-notes
    import."""

    form = RecommendationAdminForm
    resource_classes = [VisitNotesExportResource, RecommendationResource]
    list_display = [
        "short_text",
        "province",
        "status",
        "priority",
        "responsible_unit",
        "due_date",
        "is_overdue_display",
        "group",
        "updated_at",
    ]
    list_display_links = ["short_text"]
    list_filter = [
        "status",
        "group",
        OverdueFilter,
        "province",
        "visit__delegation",
        "fields",
        "theme",
        "responsible_unit",
        "priority",
        "addressed_to",
        "source",
    ]
    list_select_related = ["province", "responsible_unit", "group"]
    search_fields = [
        "search_text__contains",
        "province__search_name__contains",
        "responsible_unit__search_name__contains",
        "key",
    ]
    autocomplete_fields = ["province", "visit", "responsible_unit", "obstacles"]
    filter_horizontal = ["fields", "addressed_to", "supporting_units"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline]
    actions = ["bulk_triage"]
    fieldsets = [
        (
            None,
            {"fields": RECOMMENDED_FIELDS},
        ),
        (
            _("Triage"),
            {"fields": ["responsible_unit", "supporting_units", "priority", "due_date"]},
        ),
        (_("Status"), {"fields": ["status", "new_status", "comment", "loaded_version"]}),
        (_("Resolution"), {"fields": ["resolution_note", "reply_reference", "reply_date"]}),
        (_("Source"), {"fields": ["source", "key", "created_at", "updated_at"]}),
    ]
    ALWAYS_READ_ONLY = ["status", "created_at", "updated_at"]

    # --- who sees and changes what (the rule itself is in recommendations.access) ---------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_ministry_staff(request.user):
            return queryset
        # In the admin a provincial officer works on their own province only.
        return queryset.filter(access.editable_filter(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_change(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        if access.is_ministry_staff(request.user):
            return self.ALWAYS_READ_ONLY
        model_fields = [
            name
            for _title, options in self.fieldsets
            for name in options["fields"]
            if name not in ("new_status", "comment", "loaded_version")
        ]
        return model_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new recommendation starts as "new": there is no status to move nor version yet.
        hidden = {"status", "new_status", "loaded_version", "created_at", "updated_at"}
        return [
            (title, {"fields": [name for name in options["fields"] if name not in hidden]})
            for title, options in self.fieldsets
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not access.is_ministry_staff(request.user):
            actions.pop("bulk_triage", None)
        return actions

    # --- writes -----------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # A change that raced with another between validation and save: nothing was
            # written (the admin view runs in one transaction); say so and show fresh data.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            recommendation_register(
                recommendation=obj, by=request.user, comment=data.get("comment", "")
            )
            return
        editable = set(TRIAGE_FIELDS + CONTENT_FIELDS + M2M_FIELDS)
        recommendation_edit(
            recommendation=Recommendation.objects.get(pk=obj.pk),
            by=request.user,
            changes={name: data[name] for name in form.changed_data if name in editable},
            to_status=data.get("new_status") or "",
            comment=data.get("comment", ""),
            resolution_note=data.get("resolution_note"),
            reply_reference=data.get("reply_reference"),
            reply_date=data.get("reply_date"),
            expected_version=data.get("loaded_version"),
        )

    def save_related(self, request, form, formsets, change):
        # On a change the many-to-many fields were saved by recommendation_update (with the
        # version check and a history note); only a new recommendation saves them here.
        if not change:
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- bulk action ------------------------------------------------------------------------

    @admin.action(description=_("Triage or move the selected recommendations"))
    def bulk_triage(self, request, queryset):
        form = BulkTriageForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            changed, refused = recommendations_bulk_apply(
                recommendations=list(queryset), by=request.user, **form.service_arguments()
            )
            if changed:
                self.message_user(
                    request,
                    _("%(count)s recommendations updated.") % {"count": len(changed)},
                    messages.SUCCESS,
                )
            for recommendation, reason in refused:
                self.message_user(
                    request,
                    _("Not changed: %(recommendation)s – %(reason)s")
                    % {"recommendation": recommendation, "reason": reason},
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Triage or move the selected recommendations"),
            "opts": self.model._meta,
            "form": form,
            "recommendations": queryset.select_related("province"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "bulk_triage",
        }
        return TemplateResponse(request, "admin/recommendations/bulk_triage.html", context)

    @admin.display(description=_("recommendation"), ordering="text")
    def short_text(self, recommendation):
        return Truncator(recommendation.text).chars(90)

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue_display(self, recommendation):
        return recommendation.is_overdue


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    """The audit trail: readable and filterable, never editable."""

    list_display = ["changed_at", "recommendation", "from_status", "to_status", "changed_by"]
    list_filter = ["to_status", "from_status", "recommendation__province", "changed_by"]
    list_select_related = ["recommendation__province", "changed_by"]
    search_fields = ["recommendation__search_text__contains", "recommendation__key"]
    date_hierarchy = "changed_at"


# The visit's and the finding's admin as this app completes them: recommendations beside the
# findings, and the export in the visit-notes format (which names recommendations) – registered
# here because surveys (below) does not know recommendations.
admin.site.unregister(Visit)
admin.site.unregister(Finding)


@admin.register(Finding)
class FindingAdmin(SurveysFindingAdmin):
    resource_classes = [VisitNotesExportResource, *SurveysFindingAdmin.resource_classes]


@admin.register(Visit)
class VisitAdmin(SurveysVisitAdmin):
    inlines = [*SurveysVisitAdmin.inlines, RecommendationInline]
    resource_classes = [VisitNotesExportResource, *SurveysVisitAdmin.resource_classes]

    def save_formset(self, request, form, formset, change):
        # Recommendations added or edited inline are recorded and changed through their
        # services, like everywhere else.
        if formset.model is not Recommendation:
            return super().save_formset(request, form, formset, change)
        visit = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            recommendation = inline_form.instance
            if recommendation.pk is None:
                recommendation.visit, recommendation.province = visit, visit.province
                recommendation_register(recommendation=recommendation, by=request.user)
                inline_form.save_m2m()
            else:
                recommendation_edit(
                    recommendation=Recommendation.objects.get(pk=recommendation.pk),
                    by=request.user,
                    changes={
                        name: inline_form.cleaned_data[name]
                        for name in inline_form.changed_data
                        if name in inline_form.cleaned_data and name != "status"
                    },
                )
        return None


# --- Deadlines (issue 11): the working calendar, the rules, what was mailed ---------------------


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """ "Lịch làm việc": the days off the Government adds and the Saturdays worked instead."""

    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "working_days"]


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "recipient", "subject", "key"]
    search_fields = ["key", "subject"]
    date_hierarchy = "sent_at"


# Reply documents, evidence files and groups (issue 12).
from . import admin_evidence  # noqa: E402, F401
