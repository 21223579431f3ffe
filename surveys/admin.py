from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from recommendations import access
from recommendations.models import Recommendation
from tracker.admin import (
    FoldedSearchMixin,
    ReadOnlyAdminMixin,
    TrackerImportExportMixin,
    TrackerImportMixin,
)
from tracker.import_formats import XLSX

from . import visit_notes
from .models import (
    Delegation,
    Field,
    Finding,
    ImportBatch,
    MinistryUnit,
    SourceReport,
    Survey,
    UnitMembership,
    Visit,
)
from .resources import DelegationResource, FindingResource, VisitNotesResource, VisitResource


@admin.register(SourceReport)
class SourceReportAdmin(admin.ModelAdmin):
    list_display = ["title", "byline", "published_on", "file_name"]
    search_fields = ["title", "byline", "file_name"]
    date_hierarchy = "published_on"


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(MinistryUnit)
class MinistryUnitAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "english_name"]
    list_filter = ["kind"]
    search_fields = ["search_name__contains", "english_name"]
    inlines = [UnitMembershipInline]


@admin.register(Field)
class FieldAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "english_name", "has_procedures", "position"]
    list_filter = ["has_procedures"]
    search_fields = ["search_name__contains", "code", "english_name"]
    prepopulated_fields = {"code": ["english_name"]}


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0
    fields = ["number", "head_name", "head_title", "home_unit"]
    autocomplete_fields = ["home_unit"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "start_date", "end_date", "delegation_count"]
    search_fields = ["title", "summary"]
    date_hierarchy = "start_date"
    filter_horizontal = ["provinces"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DelegationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delegation_count=Count("delegations"))

    @admin.display(description=_("delegations"), ordering="delegation_count")
    def delegation_count(self, survey):
        return survey.delegation_count


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    fields = ["province", "start_date", "end_date", "places", "recommendations_reported"]
    autocomplete_fields = ["province"]
    show_change_link = True


@admin.register(Delegation)
class DelegationAdmin(TrackerImportExportMixin, FoldedSearchMixin, admin.ModelAdmin):
    resource_classes = [DelegationResource]
    list_display = ["__str__", "survey", "head_name", "head_title", "home_unit", "visit_count"]
    list_filter = ["survey", "home_unit"]
    list_select_related = ["survey", "home_unit"]
    search_fields = ["head_name", "head_title", "home_unit__search_name__contains"]
    autocomplete_fields = ["home_unit"]
    inlines = [VisitInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(visit_count=Count("visits"))

    @admin.display(description=_("visits"), ordering="visit_count")
    def visit_count(self, delegation):
        return delegation.visit_count

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip().isdigit():
            queryset |= self.model.objects.filter(number=int(search_term))
        return queryset, may_have_duplicates


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = [
        "kind",
        "theme",
        "fields",
        "description",
        ("figure_label", "figure_qualifier", "figure_value", "figure_unit"),
        "key",
        "source",
    ]
    filter_horizontal = ["fields"]
    show_change_link = True


@admin.register(Visit)
class VisitAdmin(TrackerImportExportMixin, FoldedSearchMixin, admin.ModelAdmin):
    resource_classes = [VisitResource]
    list_display = [
        "province",
        "delegation",
        "start_date",
        "end_date",
        "recommendations_reported",
        "source",
    ]
    list_display_links = ["province", "delegation"]
    list_filter = ["survey", "province", "delegation", "source"]
    list_select_related = ["province", "delegation", "source"]
    search_fields = [
        "province__search_name__contains",
        "delegation__head_name",
        "places",
        "notes",
        "key",
    ]
    autocomplete_fields = ["province", "delegation"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]

    def get_inlines(self, request, obj):
        # Recommendations sit beside the findings on a visit; imported here to avoid a cycle
        # (recommendations depends on surveys).
        from recommendations.admin import RecommendationInline

        return [FindingInline, RecommendationInline]

    def save_formset(self, request, form, formset, change):
        # Rows added inline inherit the visit's campaign and province; recommendations are
        # recorded and edited through their services, like everywhere else.
        from recommendations.models import Recommendation
        from recommendations.services import recommendation_register, recommendation_update

        visit = form.instance
        if formset.model is not Recommendation:
            for instance in formset.save(commit=False):
                instance.survey = visit.survey
                instance.province = visit.province
                instance.save()
            formset.save_m2m()
            return
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            recommendation = inline_form.instance
            if recommendation.pk is None:
                recommendation.visit, recommendation.province = visit, visit.province
                recommendation_register(recommendation=recommendation, by=request.user)
                inline_form.save_m2m()
            else:
                changes = {
                    name: inline_form.cleaned_data[name]
                    for name in inline_form.changed_data
                    if name in inline_form.cleaned_data
                }
                recommendation_update(recommendation=recommendation, by=request.user, **changes)


class ObstacleKindFilter(admin.SimpleListFilter):
    title = _("scope")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("nationwide", _("Nationwide")), ("province", _("One province"))]

    def queryset(self, request, queryset):
        if self.value() == "nationwide":
            return queryset.filter(province__isnull=True)
        if self.value() == "province":
            return queryset.filter(province__isnull=False)
        return queryset


@admin.register(Finding)
class FindingAdmin(TrackerImportExportMixin, FoldedSearchMixin, admin.ModelAdmin):
    resource_classes = [FindingResource]
    list_display = [
        "short_description",
        "kind",
        "province",
        "theme",
        "figure_display",
        "visit",
        "source",
    ]
    list_filter = [
        "kind",
        ObstacleKindFilter,
        "province",
        "visit__delegation",
        "fields",
        "theme",
        "source",
    ]
    list_select_related = ["province", "visit__province", "visit__delegation", "source"]
    search_fields = ["search_text__contains", "province__search_name__contains", "key"]
    autocomplete_fields = ["province", "visit"]
    filter_horizontal = ["fields"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "survey", "province", "visit", "theme", "fields", "description"]},
        ),
        (
            _("Figure"),
            {"fields": ["figure_label", ("figure_qualifier", "figure_value", "figure_unit")]},
        ),
        (_("Source"), {"fields": ["source", "key", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("description"), ordering="description")
    def short_description(self, finding):
        return Truncator(finding.description).chars(90)

    @admin.display(description=_("figure"), ordering="figure_value")
    def figure_display(self, finding):
        return finding.figure_text or "—"


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, TrackerImportMixin, admin.ModelAdmin):
    """The visit-notes import (upload → preview → confirm) and the record of every import.

    Batches are written by the import only; each links to the rows it created or changed.
    """

    resource_classes = [VisitNotesResource]
    import_template_name = "admin/surveys/importbatch/import.html"
    skip_admin_log = True  # the batch is the record
    list_display = [
        "started_at",
        "file_name",
        "user",
        "dry_run",
        "rows",
        "created",
        "updated",
        "unchanged",
        "written_rows",
    ]
    list_display_links = ["started_at", "file_name"]
    list_filter = ["via", "dry_run", "file_format", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["file_name", "user__username"]
    date_hierarchy = "started_at"

    def has_import_permission(self, request):
        return visit_notes.can_import(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.has_import_permission(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.has_import_permission(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not access.is_ministry_staff(request.user):
            # A provincial officer who may import sees their own imports.
            queryset = queryset.filter(user=request.user)
        return queryset

    @admin.display(description=_("rows written"))
    def written_rows(self, batch):
        links = [
            (Visit, _("visits")),
            (Finding, _("findings")),
            (Recommendation, _("recommendations")),
        ]
        return format_html_join(
            " · ",
            '<a href="{}?import_batch__id__exact={}">{}</a>',
            (
                (
                    reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"),
                    batch.pk,
                    label,
                )
                for m, label in links
            ),
        )

    def get_urls(self):
        return [
            path(
                "template.<str:extension>",
                self.admin_site.admin_view(self.template_view),
                name="surveys_importbatch_template",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request, extension):
        """The visit-notes template: the columns and one example row of each kind."""
        if not self.has_import_permission(request) or extension not in ("csv", "xlsx"):
            raise Http404
        content = visit_notes.template_file(extension)
        content_type = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX.CONTENT_TYPE}[extension]
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="mau-ghi-chep.{extension}"'
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["columns"] = visit_notes.COLUMNS
        context["max_rows"] = settings.IMPORT_MAX_ROWS
        return context

    def process_result(self, result, request):
        report = result.report
        if not report.written:
            # The data changed between the preview and the confirmation: show what is wrong
            # now; nothing was written.
            context = {
                **self.admin_site.each_context(request),
                **self.get_import_context_data(),
                "title": _("Import"),
                "opts": self.model._meta,
                "form": self.create_import_form(request),
                "result": result,
                "import_error_display": self.import_error_display,
            }
            return TemplateResponse(request, [self.import_template_name], context)
        messages.success(request, report.summary())
        return HttpResponseRedirect(reverse("admin:surveys_importbatch_changelist"))
