import io

from django.contrib import admin, messages
from django.shortcuts import redirect
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX

from core.xlsx_guard import WorkbookRefused, XlsxLimits, check_xlsx
from counties.models import County, Plan, RetrofitType, Target
from counties.resources import CountyResource, TargetResource

# Counties, targets and subsidy rules are tens of rows: generous caps that still keep openpyxl small.
ADMIN_IMPORT_LIMITS = XlsxLimits(
    max_rows=10_001, max_columns=32, max_total_bytes=32 << 20, max_part_bytes=32 << 20, max_styles=10_000
)


class GuardedXLSX(XLSX):
    """xlsx for django-import-export, read by openpyxl only after ``check_xlsx`` bounded what it will build."""

    def create_dataset(self, in_stream):
        check_xlsx(io.BytesIO(in_stream), size=len(in_stream), limits=ADMIN_IMPORT_LIMITS)
        return super().create_dataset(in_stream)


class XlsxImportExportAdmin(ImportExportModelAdmin):
    # Exports keep the plain class: django-import-export writes numbers as numbers only for its own formats.
    formats = [XLSX]
    import_formats = [GuardedXLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        # The guard's reason is for the user; other read errors keep django-import-export's message.
        if isinstance(e, WorkbookRefused):
            form.add_error("import_file", e.message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        # The confirm step reads the stored upload again; a refusal there goes back to the import form.
        try:
            return super().process_import(request, **kwargs)
        except WorkbookRefused as exc:
            messages.error(request, exc.message)
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")


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
