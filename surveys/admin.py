from django.contrib import admin
from django.db.models import Count
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tracker.admin import FoldedSearchMixin, TrackerExportMixin, TrackerImportExportMixin

from .models import (
    Delegation,
    Field,
    Finding,
    MinistryUnit,
    SourceReport,
    Survey,
    UnitMembership,
    Visit,
)
from .resources import DelegationResource, FindingResource, VisitResource


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
class VisitAdmin(TrackerExportMixin, FoldedSearchMixin, admin.ModelAdmin):
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

    inlines = [FindingInline]

    def save_formset(self, request, form, formset, change):
        # Rows added inline inherit the visit's campaign and province.
        visit = form.instance
        for instance in formset.save(commit=False):
            instance.survey = visit.survey
            instance.province = visit.province
            instance.save()
        formset.save_m2m()


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
class FindingAdmin(TrackerExportMixin, FoldedSearchMixin, admin.ModelAdmin):
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
