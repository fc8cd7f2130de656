"""The city office's target-adjustment form (the page at /plans/<year>/targets/adjustments/)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from counties.models import County, Plan, RetrofitType


class TargetAdjustmentForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("县（市、区）"),
        queryset=County.objects.none(),
        error_messages={"required": _("请选择县（市、区）。"), "invalid_choice": _("请选择列表中的县（市、区）。")},
    )
    retrofit_type = forms.ModelChoiceField(
        label=_("改造类型"),
        queryset=RetrofitType.objects.none(),
        error_messages={"required": _("请选择改造类型。"), "invalid_choice": _("请选择列表中的改造类型。")},
    )
    households = forms.IntegerField(
        label=_("调整后目标（户）"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text=_("按平方米计的类型可改填面积，二者填其一。"),
        error_messages={"invalid": _("户数应为整数。"), "min_value": _("户数不能为负数。")},
    )
    area_m2 = forms.DecimalField(
        label=_("调整后目标面积（㎡）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("面积应为数字。"), "min_value": _("面积不能为负数。")},
    )
    effective_period = forms.ChoiceField(label=_("生效月份"), choices=())
    reason = forms.CharField(
        label=_("调整原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写调整原因。")},
    )
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.filter(files_reports=True).order_by("order", "code")
        self.fields["retrofit_type"].queryset = RetrofitType.objects.order_by("order", "code")
        self.fields["effective_period"].choices = [(p, p) for p in plan.periods()]
        self.fields["effective_period"].error_messages["invalid_choice"] = _("生效月份应为方案报送期内的月份。")

    def clean(self):
        data = super().clean()
        if data.get("households") is None and data.get("area_m2") is None and not self.errors:
            raise ValidationError(_("请填写调整后的户数或面积（二者填其一）。"))
        return data
