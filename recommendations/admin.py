from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tracker.admin import FoldedSearchMixin, TrackerImportExportMixin

from .models import Authority, Recommendation, StatusChange
from .resources import RecommendationResource


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
    fields = ["text", "theme", "fields", "addressed_to", "obstacles", "status", "key"]
    readonly_fields = ["status"]
    filter_horizontal = ["fields", "addressed_to"]
    autocomplete_fields = ["obstacles"]
    show_change_link = True


@admin.register(Recommendation)
class RecommendationAdmin(TrackerImportExportMixin, FoldedSearchMixin, admin.ModelAdmin):
    resource_classes = [RecommendationResource]
    list_display = [
        "short_text",
        "province",
        "status",
        "priority",
        "responsible_unit",
        "due_date",
        "is_overdue_display",
        "updated_at",
    ]
    list_display_links = ["short_text"]
    list_filter = [
        "status",
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
    list_select_related = ["province", "responsible_unit"]
    search_fields = [
        "search_text__contains",
        "province__search_name__contains",
        "responsible_unit__search_name__contains",
        "key",
    ]
    autocomplete_fields = ["province", "visit", "responsible_unit", "obstacles"]
    filter_horizontal = ["fields", "addressed_to"]
    date_hierarchy = "created_at"
    readonly_fields = ["status", "version", "created_at", "updated_at"]
    inlines = [StatusChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "province",
                    "visit",
                    "text",
                    "addressed_to",
                    "theme",
                    "fields",
                    "obstacles",
                ]
            },
        ),
        (_("Triage"), {"fields": ["responsible_unit", "priority", "due_date", "status"]}),
        (_("Resolution"), {"fields": ["resolution_note", "reply_reference", "reply_date"]}),
        (_("Source"), {"fields": ["source", "key", "version", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("recommendation"), ordering="text")
    def short_text(self, recommendation):
        return Truncator(recommendation.text).chars(90)

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue_display(self, recommendation):
        return recommendation.is_overdue


@admin.register(StatusChange)
class StatusChangeAdmin(FoldedSearchMixin, admin.ModelAdmin):
    """The audit trail: readable and filterable, never editable."""

    list_display = ["changed_at", "recommendation", "from_status", "to_status", "changed_by"]
    list_filter = ["to_status", "from_status", "recommendation__province", "changed_by"]
    list_select_related = ["recommendation__province", "changed_by"]
    search_fields = ["recommendation__search_text__contains", "recommendation__key"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
