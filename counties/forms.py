from django import forms
from django.utils.translation import gettext_lazy as _

from counties.models import Plan


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


class TargetsUploadForm(forms.Form):
    file = forms.FileField(label=_("目标任务表（.xlsx 或 .xls）"))
