from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import HARDSHIP_ANY, HARDSHIP_CATEGORIES, AcceptanceResult, HouseholdStatus


class FilterForm(forms.Form):
    county = forms.ChoiceField(label=_("县（市、区）"), required=False)
    type = forms.ChoiceField(label=_("改造类型"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(HouseholdStatus.choices)
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    hardship = forms.ChoiceField(
        label=_("困难类别"),
        required=False,
        choices=[("", _("全部")), *HARDSHIP_CATEGORIES, (HARDSHIP_ANY, _("任一困难类别"))],
    )

    def __init__(self, *args, counties, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("全部"))] + [(c.code, c.name) for c in counties]
        self.fields["type"].choices = [("", _("全部"))] + [(t.code, t.name) for t in types]


class AcceptanceForm(forms.Form):
    county = forms.ChoiceField(label=_("县（市、区）"))
    township = forms.CharField(label=_("乡镇"), max_length=50)
    village = forms.CharField(label=_("村"), max_length=50)
    accepted_on = forms.DateField(label=_("验收日期"), widget=forms.DateInput(attrs={"type": "date"}))
    accepted_by = forms.CharField(label=_("验收单位"), max_length=100, help_text=_("如：第三方评估机构名称"))
    result = forms.ChoiceField(label=_("验收结果"), choices=AcceptanceResult.choices)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]


class SelectedAcceptanceForm(forms.Form):
    """The list page's “验收所选”: the dates and result; the households come from the ticked rows."""

    accepted_on = forms.DateField(
        label=_("验收日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("验收日期格式不正确，应为“年-月-日”。")},
    )
    accepted_by = forms.CharField(label=_("验收单位"), required=False, max_length=100)
    result = forms.ChoiceField(label=_("验收结果"), required=False, choices=AcceptanceResult.choices)


class MarkPaidForm(forms.Form):
    """The list page's “标记补助已拨付”: the payment date; the households come from the ticked rows."""

    paid_on = forms.DateField(
        label=_("拨付日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("拨付日期格式不正确，应为“年-月-日”。")},
    )


class GuaranteeForm(forms.Form):
    """A county's guarantee for its hardship households (households.hardship.hardship_guarantee_set)."""

    county = forms.ChoiceField(label=_("县（市、区）"))
    one_time_extra = forms.CharField(label=_("一次性兜底补助（元/户）"), max_length=20, initial="0")
    seasonal_extra = forms.CharField(label=_("每采暖季兜底补助（元/户）"), max_length=20, initial="0")
    pays_household_share = forms.BooleanField(label=_("县级承担农户自筹部分"), required=False)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]
