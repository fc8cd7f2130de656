from django.contrib import admin

from households.models import ExportAudit, Household, SpotCheck, SpotCheckItem


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("county", "township", "village", "head_name", "retrofit_type", "area_class", "status")
    list_filter = ("plan", "county", "retrofit_type", "status")
    search_fields = ("head_name", "village", "id_number")
    list_select_related = ("county", "retrofit_type")
    raw_id_fields = ()


class SpotCheckItemInline(admin.TabularInline):
    model = SpotCheckItem
    raw_id_fields = ("household",)
    extra = 0


@admin.register(SpotCheck)
class SpotCheckAdmin(admin.ModelAdmin):
    list_display = ("county", "checked_on", "inspector")
    inlines = [SpotCheckItemInline]


@admin.register(ExportAudit)
class ExportAuditAdmin(admin.ModelAdmin):
    list_display = ("user", "at", "plan", "rows")
    readonly_fields = ("user", "at", "plan", "rows", "filters")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
