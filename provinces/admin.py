from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tracker.admin import FoldedSearchMixin, TrackerImportExportMixin

from .models import FormerProvince, Province, ProvincialOfficer
from .resources import ProvinceResource


class FormerProvinceInline(admin.TabularInline):
    model = FormerProvince
    extra = 0


@admin.register(Province)
class ProvinceAdmin(TrackerImportExportMixin, FoldedSearchMixin, admin.ModelAdmin):
    resource_classes = [ProvinceResource]
    list_display = [
        "code",
        "name",
        "kind",
        "wards",
        "communes",
        "special_zones",
        "commune_level_units_display",
        "former_names_display",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind"]
    search_fields = ["code", "search_name__contains", "former_names__search_name__contains"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["code"]
    inlines = [FormerProvinceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("former_names")

    @admin.display(description=_("commune-level units"))
    def commune_level_units_display(self, province):
        return province.commune_level_units

    @admin.display(description=_("former provinces"))
    def former_names_display(self, province):
        return ", ".join(former.name for former in province.former_names.all())


@admin.register(FormerProvince)
class FormerProvinceAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["search_name__contains", "province__search_name__contains"]
    autocomplete_fields = ["province"]


@admin.register(ProvincialOfficer)
class ProvincialOfficerAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["user", "province"]
    list_filter = ["province"]
    list_select_related = ["user", "province"]
    search_fields = ["user__username", "user__email", "province__search_name__contains"]
    autocomplete_fields = ["user", "province"]


class ProvincialOfficerInline(admin.StackedInline):
    model = ProvincialOfficer
    can_delete = True
    autocomplete_fields = ["province"]
    verbose_name = _("province of this provincial officer")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    """Django's user admin, plus the province a provincial officer is bound to."""

    inlines = [ProvincialOfficerInline]
    list_display = ["username", "email", "get_full_name", "is_staff", "is_active", "province"]
    list_select_related = ["provincial_officer__province"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        "provincial_officer__province",
    ]

    @admin.display(description=_("province"), ordering="provincial_officer__province__name")
    def province(self, user):
        officer = getattr(user, "provincial_officer", None)
        return officer.province if officer else "—"
