from django.utils.translation import gettext as _
from import_export import fields
from import_export.widgets import ForeignKeyWidget

from core.admin_tools import CspResource
from counties.models import County, Plan, RetrofitType, Target


class CountyResource(CspResource):
    class Meta:
        model = County
        import_id_fields = ("code",)
        fields = ("code", "name", "order", "files_reports")
        export_order = fields
        skip_unchanged = True
        report_skipped = False


class TargetResource(CspResource):
    plan = fields.Field(attribute="plan", column_name="plan", widget=ForeignKeyWidget(Plan, field="year"))
    county = fields.Field(attribute="county", column_name="county", widget=ForeignKeyWidget(County, field="code"))
    retrofit_type = fields.Field(
        attribute="retrofit_type", column_name="type", widget=ForeignKeyWidget(RetrofitType, field="code")
    )

    class Meta:
        model = Target
        import_id_fields = ("plan", "county", "retrofit_type")
        fields = ("plan", "county", "retrofit_type", "households", "area_m2")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    # A target the spreadsheet changes is adjusted through the service, recorded with the importing
    # admin, from the row's 生效月份 (column ``effective_period``; default this month within the plan)
    # and its ``reason`` (default 管理后台表格导入). New targets are created as the plan file would.
    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            return super().save_instance(instance, is_create, row, **kwargs)
        from django.core.exceptions import ValidationError

        from counties.services import plan_default_effective_period, target_adjust

        current = Target.objects.select_related("plan", "retrofit_type").get(pk=instance.pk)
        if (current.households, current.area_m2) == (instance.households, instance.area_m2):
            return None
        user = kwargs.get("user")
        if user is None:
            raise ValidationError(_("导入目标任务的调整须记录操作人。"))
        area_changed = current.retrofit_type.is_area and instance.area_m2 != current.area_m2
        target_adjust(
            target=current,
            households=None if area_changed else instance.households,
            area_m2=instance.area_m2 if area_changed else None,
            effective_period=str(row.get("effective_period") or "").strip()
            or plan_default_effective_period(plan=current.plan),
            reason=str(row.get("reason") or "").strip() or _("管理后台表格导入"),
            document_number=str(row.get("document_number") or "").strip(),
            by=user,
        )
        return None
