from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX

from counties.models import County, Plan, Profile, RetrofitType, Target
from counties.resources import CountyResource, TargetResource


class XlsxImportExportAdmin(ImportExportModelAdmin):
    formats = [XLSX]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "document_date", "deadline", "m2_per_household")


@admin.register(County)
class CountyAdmin(XlsxImportExportAdmin):
    resource_classes = [CountyResource]
    list_display = ("order", "code", "name", "files_reports")
    list_display_links = ("code", "name")
    search_fields = ("code", "name")


@admin.register(RetrofitType)
class RetrofitTypeAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name", "unit", "department")
    list_display_links = ("code", "name")


@admin.register(Target)
class TargetAdmin(XlsxImportExportAdmin):
    resource_classes = [TargetResource]
    list_display = ("plan", "county", "retrofit_type", "households", "area_m2")
    list_filter = ("plan", "retrofit_type", "county")
    list_select_related = ("plan", "county", "retrofit_type")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "county", "department_name")
    list_select_related = ("user", "county")
    filter_horizontal = ("retrofit_types",)
