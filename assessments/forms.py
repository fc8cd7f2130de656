"""The assessment pages' forms. Numbers are taken as text and checked by the services (``rules.scheme_clean``,
``services._decimal``), so a page shows the same Chinese messages as the API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments import rules as R
from assessments.models import ObjectionStatus

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


def number_field(label, *, required=True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        required=required,
        widget=forms.TextInput(attrs=NUMBER),
        error_messages={"required": _("请填写数字。")},
    )


def add_errors(form: forms.Form, error: ValidationError, *, rename=lambda path: path) -> None:
    """A service's ValidationError shown on the form: by field where the form has it, else above it."""
    if hasattr(error, "error_dict"):
        for path, messages in error.message_dict.items():
            field = rename(path)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class AssessmentCreateForm(forms.Form):
    as_of = forms.DateField(
        label=_("考核截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写考核截止日期。"), "invalid": _("请填写有效的日期（如 2021-12-31）。")},
    )


class CorrectionForm(AssessmentCreateForm):
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写更正原因。")},
    )


def scheme_field_name(path: str) -> str:
    """``indicators.completion.weight`` → ``indicators__completion__weight`` (a form field's name)."""
    return path.replace(".", "__")


class SchemeForm(forms.Form):
    """One field per number of the scheme, named after its path in ``AssessmentScheme.rules``."""

    def __init__(self, *args, rules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        initial = {}
        for code, name in R.INDICATORS.items():
            item = rules["indicators"][code]
            key = f"indicators__{code}__weight"
            self.fields[key] = number_field(_("%(name)s：权重（分）") % {"name": name})
            initial[key] = item.get("weight")
            for parameter in R.PARAMETERS[code]:
                key = f"indicators__{code}__{parameter}"
                self.fields[key] = number_field(PARAMETER_LABELS[parameter] % {"name": name})
                initial[key] = item.get(parameter)
        self.fields["indicators__air_quality__better"] = forms.ChoiceField(
            label=_("空气质量达标方向"),
            choices=[("lower", _("不高于目标值为达标")), ("higher", _("不低于目标值为达标"))],
            error_messages={"invalid_choice": _("请选择达标方向。")},
        )
        initial["indicators__air_quality__better"] = rules["indicators"]["air_quality"].get("better", "lower")
        for name, label in (("bonus", _("加分上限（分）")), ("penalty", _("减分上限（分）"))):
            self.fields[f"adjustment_limits__{name}"] = number_field(label)
            initial[f"adjustment_limits__{name}"] = rules["adjustment_limits"][name]
        for code in R.GRADE_ORDER:
            self.fields[f"grades__{code}"] = number_field(_("%(grade)s分数线（≥）") % {"grade": R.GRADES[code]})
            initial[f"grades__{code}"] = rules["grades"][code]
        self.fields["fund_basis"] = forms.ChoiceField(
            label=_("资金系数依据"),
            choices=[("grade", _("按考核等次")), ("air_quality", _("按空气质量考核结果"))],
            error_messages={"invalid_choice": _("请选择资金系数依据。")},
        )
        initial["fund_basis"] = rules["fund_basis"]
        for name in R.COEFFICIENT_KEYS:
            self.fields[f"fund_coefficients__{name}"] = number_field(COEFFICIENT_LABELS[name])
            initial[f"fund_coefficients__{name}"] = rules["fund_coefficients"][name]
        self.fields["note"] = forms.CharField(
            label=_("修改说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.initial = {**initial, **self.initial}

    def rules(self) -> dict:
        """The cleaned fields back in the scheme's shape (for ``services.scheme_update``)."""
        data = self.cleaned_data
        result: dict = {"indicators": {}, "adjustment_limits": {}, "grades": {}, "fund_coefficients": {}}
        for key, value in data.items():
            if key == "note":
                continue
            parts = key.split("__")
            if len(parts) == 1:
                result[parts[0]] = value
            elif len(parts) == 2:
                result[parts[0]][parts[1]] = value
            else:
                result[parts[0]].setdefault(parts[1], {})[parts[2]] = value
        return result


PARAMETER_LABELS = {
    "floor": _("%(name)s：完成率下限（%%，不高于此得 0 分）"),
    "per_return": _("%(name)s：每退回一次扣分"),
    "per_point": _("%(name)s：每个百分点扣分"),
    "cap": _("%(name)s：最多扣分"),
}
COEFFICIENT_LABELS = {
    "excellent": _("资金系数：优秀"),
    "good": _("资金系数：良好"),
    "pass": _("资金系数：合格"),
    "fail": _("资金系数：不合格"),
    "air_met": _("资金系数：空气质量达标"),
    "air_not_met": _("资金系数：空气质量未达标"),
}


class CountyChoiceForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("县（市、区）"),
        queryset=None,
        to_field_name="code",
        error_messages={"required": _("请选择县（市、区）。"), "invalid_choice": _("请选择列表中的县（市、区）。")},
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = lambda county: county.name


class AirQualityForm(CountyChoiceForm):
    value = number_field(_("实测值"))
    target = number_field(_("目标值"))
    source = forms.CharField(label=_("数据来源"), max_length=200, error_messages={"required": _("请填写数据来源。")})


class AdjustmentForm(CountyChoiceForm):
    points = number_field(_("加减分（减分填负数）"))
    reason = forms.CharField(
        label=_("理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写理由。")},
    )
    basis = forms.CharField(
        label=_("依据（文号或说明）"), max_length=200, error_messages={"required": _("请填写依据（文号或说明）。")}
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("异议理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写异议理由。")},
    )
    attachment = forms.FileField(
        label=_("附件（可选）"),
        required=False,
        help_text=_("PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx），不超过 10 MB。"),
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("答复"),
        choices=[(ObjectionStatus.ACCEPTED, _("采纳（调整分值）")), (ObjectionStatus.REJECTED, _("不采纳"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择采纳或不采纳。"), "invalid_choice": _("请选择采纳或不采纳。")},
    )
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写答复意见。")},
    )
    points = number_field(_("调整分值（采纳时填，减分填负数）"), required=False)
    basis = forms.CharField(label=_("依据（可选）"), max_length=200, required=False)
