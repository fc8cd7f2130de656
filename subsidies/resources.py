from django.utils.translation import gettext as _
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

    # A rate changed by a spreadsheet import is audited like one changed on the rules page.
    def before_save_instance(self, instance, row, **kwargs):
        instance._previous_amount = (
            SubsidyRule.objects.filter(pk=instance.pk).values_list("amount", flat=True).first() if instance.pk else None
        )

    def after_save_instance(self, instance, row, **kwargs):
        from subsidies.services import subsidy_rule_change_record

        old = getattr(instance, "_previous_amount", None)
        user = kwargs.get("user")
        if user is not None and old is not None and old != instance.amount:
            subsidy_rule_change_record(rule=instance, old_amount=old, actor=user, reason=_("管理后台表格导入"))
