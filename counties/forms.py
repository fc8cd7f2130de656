"""The plan pages' forms: target adjustments (/plans/<year>/targets/adjustments/), a new plan year, the targets workbook."""

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


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("方案名称"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    document_date = forms.DateField(label=_("印发日期"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))
    report_due_day = forms.IntegerField(
        label=_("月报截止日（次月几日）"),
        min_value=1,
        max_value=28,
        required=False,
        help_text=_("留空则为当月最后一天（与往年相同）。"),
    )
    copy_from = forms.ModelChoiceField(
        label=_("复制自"),
        queryset=Plan.objects.none(),
        to_field_name="year",
        required=False,
        empty_label=_("（不复制，空白方案）"),
        help_text=_("复制所选年度的目标任务、补助标准和配套电网设置，之后可修改。"),
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["copy_from"].queryset = plans
            latest = plans.order_by("-year").first()
            if latest is not None and not self.is_bound:
                self.initial.setdefault("copy_from", latest.year)
                self.initial.setdefault("year", latest.year + 1)


class PlanEditForm(PlanCreateForm):
    """A draft's own fields: the year and what it was copied from are fixed once it exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]
        del self.fields["copy_from"]


class TargetsUploadForm(forms.Form):
    file = forms.FileField(label=_("目标任务表（.xlsx 或 .xls）"))
