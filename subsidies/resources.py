from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from counties.models import Plan, RetrofitType
from subsidies.models import SubsidyRule


class SubsidyRuleResource(resources.ModelResource):
    plan = fields.Field(attribute="plan", column_name="plan", widget=ForeignKeyWidget(Plan, field="year"))
    retrofit_type = fields.Field(
        attribute="retrofit_type", column_name="type", widget=ForeignKeyWidget(RetrofitType, field="code")
    )

    class Meta:
        model = SubsidyRule
        import_id_fields = ("plan", "retrofit_type", "area_class", "level")
        fields = ("plan", "retrofit_type", "area_class", "level", "amount")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True
