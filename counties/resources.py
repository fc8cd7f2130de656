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
