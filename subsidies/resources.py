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
# Read on import only (an export has the five columns above): a row that changes a rate says from
# which month and why, as the rules page asks.
CHANGE_COLUMNS = {"effective_from": "生效月份", "reason": "修改原因"}
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
    effective_from = fields.Field(column_name=CHANGE_COLUMNS["effective_from"])
    reason = fields.Field(column_name=CHANGE_COLUMNS["reason"])

    class Meta:
        model = SubsidyRule
        import_id_fields = ("plan", "retrofit_type", "area_class", "level")
        fields = ("plan", "retrofit_type", "area_class", "level", "amount", "effective_from", "reason")
        export_order = ("plan", "retrofit_type", "area_class", "level", "amount")
        skip_unchanged = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        # Files exported before the Chinese headers keep importing.
        dataset.headers = [COLUMNS[OLD_HEADERS[h]] if h in OLD_HEADERS else h for h in (dataset.headers or [])]
        return super().before_import(dataset, **kwargs)

    def get_export_order(self):
        return tuple(name for name in super().get_export_order() if name not in CHANGE_COLUMNS)

    def import_instance(self, instance, row, **kwargs):
        """A row that changes an existing rule's rate needs its 生效月份 and 修改原因 (checked here, so the
        preview shows the row as invalid); the change itself is saved by the rules' one service."""
        super().import_instance(instance, row, **kwargs)
        instance._rate_change = None
        if instance.pk is None or instance.amount is None:
            return
        stored = SubsidyRule.objects.filter(pk=instance.pk).values_list("amount", flat=True).first()
        if stored is None or stored == instance.amount:
            return
        from subsidies.services import rate_change_clean

        effective_from, reason = rate_change_clean(
            plan=instance.plan,
            effective_from=_cell_text(row.get(CHANGE_COLUMNS["effective_from"])),
            reason=_cell_text(row.get(CHANGE_COLUMNS["reason"])),
        )
        instance._rate_change = {"effective_from": effective_from, "reason": reason}

    def save_instance(self, instance, is_create, row, **kwargs):
        self._actor = kwargs.get("user")
        return super().save_instance(instance, is_create, row, **kwargs)

    # A rate changed by a spreadsheet import goes through the service of the rules page: audited, from
    # its effective month on.
    def do_instance_save(self, instance, is_create):
        change = getattr(instance, "_rate_change", None)
        if is_create or change is None:
            return super().do_instance_save(instance, is_create)
        from subsidies.services import subsidy_rule_rate_set

        subsidy_rule_rate_set(rule=instance, amount=instance.amount, actor=getattr(self, "_actor", None), **change)


def _cell_text(value) -> str:
    """A month cell as a spreadsheet gives it: text (2021-10) or a date (Excel turns 2021-10 into one)."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m")
    return str(value or "").strip()
