"""Page forms: they parse input only; the rules are in services.py."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from subsidies.models import Level

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class DateInput(forms.DateInput):
    input_type = "date"


class RuleForm(forms.Form):
    amount = forms.DecimalField(label=_("新标准（元）"), max_digits=12, decimal_places=2, min_value=Decimal("0"))
    effective_from = forms.ChoiceField(
        label=_("生效月份"),
        help_text=_("该月及以后完成的户按新标准计算，此前完成的户仍按原标准。"),
        error_messages={"required": _("请选择新标准的生效月份（YYYY-MM）。")},
    )
    reason = forms.CharField(label=_("修改原因"), max_length=2000, error_messages={"required": _("请填写修改原因。")})

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].choices = [("", _("请选择")), *((p, p) for p in periods)]


class GridInvestmentForm(forms.Form):
    prefix = "investment"

    county = forms.ChoiceField(label=_("县（市、区）"))
    project = forms.CharField(label=_("项目名称"), max_length=200)
    amount = forms.DecimalField(label=_("投资额（元）"), **MONEY)
    invested_on = forms.DateField(label=_("投资日期"), widget=DateInput)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]


class GridAllocationForm(forms.Form):
    prefix = "allocation"

    county = forms.ChoiceField(label=_("县（市、区）"))
    amount = forms.DecimalField(label=_("分配金额（元）"), **MONEY)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]


class PaymentForm(forms.Form):
    prefix = "payment"

    county = forms.ChoiceField(label=_("县（市、区）"))
    level = forms.ChoiceField(label=_("出资层级"), choices=Level.choices)
    paid_on = forms.DateField(label=_("拨付日期"), widget=DateInput)
    document_number = forms.CharField(label=_("拨付文号"), max_length=100)
    amount = forms.DecimalField(label=_("拨付金额（元）"), **MONEY)
    reason = forms.CharField(
        label=_("超额拨付说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("拨付金额超过尚未拨付金额时必填。"),
    )

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]


class SettlementForm(forms.Form):
    prefix = "settlement"

    period = forms.ChoiceField(label=_("截至月份"))
    supersede = forms.BooleanField(label=_("取代当前有效结算"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when it has no such field)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
