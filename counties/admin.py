import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX

from core.admin_tools import person_column
from core.trial import rolled_back
from core.xlsx_guard import WorkbookRefused, XlsxLimits, check_xlsx
from counties.models import County, Plan, RetrofitType, Target, TargetAdjustment
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

    def get_readonly_fields(self, request, obj=None):
        # An existing target changes only as an adjustment (目标任务调整), recorded with its month and reason.
        if obj is not None:
            return ("plan", "county", "retrofit_type", "households", "area_m2")
        return ()


class TargetAdjustmentAdminForm(forms.ModelForm):
    """The admin's adjustment: checked by ``target_adjust`` itself (rolled back), saved by ``save_model``."""

    request_user = None

    class Meta:
        model = TargetAdjustment
        fields = ("target", "new_households", "new_area_m2", "effective_period", "reason", "document_number")
        labels = {"new_households": _("调整后户数"), "new_area_m2": _("调整后面积（㎡）")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_households"].required = False
        self.fields["new_households"].help_text = _("按平方米计的类型可改填面积，二者填其一。")

    def adjust(self, *, by):
        data = self.cleaned_data
        from counties.services import target_adjust

        return target_adjust(
            target=data["target"],
            households=data.get("new_households"),
            area_m2=data.get("new_area_m2"),
            effective_period=data.get("effective_period") or "",
            reason=data.get("reason") or "",
            document_number=data.get("document_number") or "",
            by=by,
        )

    def _post_clean(self):
        # The model's own validation would ask for the old values and the recorder: the service sets them.
        if self.errors or "target" not in self.cleaned_data:
            return
        try:
            rolled_back(lambda: self.adjust(by=self.request_user))
        except ValidationError as error:
            for field, field_messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
                self.add_error(field if field in self.fields else None, field_messages)


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(admin.ModelAdmin):
    """Recorded through ``target_adjust`` with the admin's user; never edited or deleted afterwards."""

    form = TargetAdjustmentAdminForm
    list_display = (
        "created_at",
        "target",
        "old_households",
        "new_households",
        "effective_period",
        "reason",
        "document_number",
        person_column(TargetAdjustment, "created_by"),
    )
    list_filter = ("target__plan", "target__county", "target__retrofit_type")
    list_select_related = ("target__plan", "target__county", "target__retrofit_type", "created_by")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        adjusted = form.adjust(by=request.user)
        for field in TargetAdjustment._meta.concrete_fields:
            setattr(obj, field.attname, getattr(adjusted, field.attname))

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
