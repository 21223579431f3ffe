"""Admin for the register of reply documents, evidence files and groups (issue 12).

Files are read-only here (uploaded through the pages, checked by content); the links go to
the download view, which checks the reader."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.admin import ReadOnlyAdminMixin

from . import access
from .models import DocumentFile, Recommendation, RecommendationGroup, ReplyDocument


class DocumentFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentFile
    fk_name = "document"
    extra = 0
    fields = ["download", "content_type", "size_display", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, stored):
        return format_html('<a href="{}">{}</a>', stored.get_absolute_url(), stored.name)

    @admin.display(description=_("size"))
    def size_display(self, stored):
        return filesizeformat(stored.size)


@admin.register(ReplyDocument)
class ReplyDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "issued_on", "issuer", "signer", "is_public"]
    list_filter = ["is_public", "issuer"]
    search_fields = ["number", "summary", "issuer", "signer"]
    date_hierarchy = "issued_on"
    readonly_fields = ["created_by", "created_at"]
    inlines = [DocumentFileInline]

    # Written through the pages' services (documents, groups); read here.
    def has_module_permission(self, request):
        return access.is_ministry_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_ministry_staff(request.user)


@admin.register(DocumentFile)
class DocumentFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "content_type", "size", "document", "recommendation", "uploaded_at"]
    list_select_related = ["document", "recommendation__province"]
    search_fields = ["name"]
    raw_id_fields = ["document", "recommendation", "superseded_by"]


class MemberInline(admin.TabularInline):
    model = Recommendation
    fk_name = "group"
    extra = 0
    can_delete = False
    fields = ["text", "province", "status"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RecommendationGroup)
class RecommendationGroupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "lead_unit", "created_at"]
    list_filter = ["lead_unit"]
    search_fields = ["title"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [MemberInline]

    # Written through the pages' services (documents, groups); read here.
    def has_module_permission(self, request):
        return access.is_ministry_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_ministry_staff(request.user)
