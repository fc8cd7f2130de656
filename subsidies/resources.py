"""The admin's subsidy-rule spreadsheet (django-import-export), in the words users see on the pages.

Columns are headed in Chinese and hold names (煤改电, 农村, 市级), not codes; a file written before this
change, with the code headers and values, still imports. Errors are Chinese sentences, never
"RetrofitType matching query does not exist.".
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields
from import_export.widgets import DecimalWidget, ForeignKeyWidget, Widget

from core.admin_tools import CspResource
from counties.models import Plan, RetrofitType
from subsidies.models import Level, RuleAreaClass, SubsidyRule

CENT = Decimal("0.01")

# Column headers by field: fixed Chinese (a workbook's format must not change with the UI language).
# OLD_HEADERS are those of files exported before issue 13.
COLUMNS = {
    "plan": "年度",
    "retrofit_type": "改造类型",
    "area_class": "城乡",
    "level": "出资层级",
    "amount": "补助标准（元/户或元/㎡）",
}
OLD_HEADERS = {
    "plan": "plan",
    "type": "retrofit_type",
    "area_class": "area_class",
    "level": "level",
    "amount": "amount",
}


class ChoiceLabelWidget(Widget):
    """A choice written as its label (农村); its code (rural) is accepted on import too."""

    def __init__(self, choices, what):
        super().__init__()
        self.choices = choices
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for code, label in self.choices.choices:
            if text in (code, str(label)):
                return code
        allowed = "、".join(str(label) for _code, label in self.choices.choices)
        raise ValueError(
            _("%(what)s应为%(allowed)s之一，表中为“%(value)s”。")
            % {"what": self.what, "allowed": allowed, "value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices.choices).get(value, value or ""))


class RetrofitTypeWidget(ForeignKeyWidget):
    """A retrofit type by its name (煤改电) or code."""

    def __init__(self):
        super().__init__(RetrofitType, field="name")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        found = RetrofitType.objects.filter(name=text).first() or RetrofitType.objects.filter(code=text).first()
        if found is None:
            names = "、".join(RetrofitType.objects.order_by("order").values_list("name", flat=True))
            raise ValueError(_("未知的改造类型“%(value)s”，应为%(names)s之一。") % {"value": text, "names": names})
        return found


class PlanWidget(ForeignKeyWidget):
    def __init__(self):
        super().__init__(Plan, field="year")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().removesuffix(".0")
        found = Plan.objects.filter(year=text).first() if text.isdigit() else None
        if found is None:
            raise ValueError(_("年度“%(value)s”没有已载入的实施方案。") % {"value": text})
        return found


class AmountWidget(DecimalWidget):
    """Amounts to the cent, so that 2000 read from a workbook equals the stored 2000.00: an unchanged row
    must not show a struck-through “.00” in the import preview."""

    def clean(self, value, row=None, **kwargs):
        try:
            amount = super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(_("补助标准应为数字，表中为“%(value)s”。") % {"value": value}) from exc
        return None if amount is None else amount.quantize(CENT)

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, Decimal):
            value = value.quantize(CENT)
        return super().render(value, obj, **kwargs)


class SubsidyRuleResource(CspResource):
    plan = fields.Field(attribute="plan", column_name=COLUMNS["plan"], widget=PlanWidget())
    retrofit_type = fields.Field(
        attribute="retrofit_type", column_name=COLUMNS["retrofit_type"], widget=RetrofitTypeWidget()
    )
    area_class = fields.Field(
        attribute="area_class",
        column_name=COLUMNS["area_class"],
        widget=ChoiceLabelWidget(RuleAreaClass, gettext_lazy("城乡")),
    )
    level = fields.Field(
        attribute="level", column_name=COLUMNS["level"], widget=ChoiceLabelWidget(Level, gettext_lazy("出资层级"))
    )
    amount = fields.Field(attribute="amount", column_name=COLUMNS["amount"], widget=AmountWidget())

    class Meta:
        model = SubsidyRule
        import_id_fields = ("plan", "retrofit_type", "area_class", "level")
        fields = ("plan", "retrofit_type", "area_class", "level", "amount")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        # Files exported before the Chinese headers keep importing.
        dataset.headers = [COLUMNS[OLD_HEADERS[h]] if h in OLD_HEADERS else h for h in (dataset.headers or [])]
        return super().before_import(dataset, **kwargs)

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
