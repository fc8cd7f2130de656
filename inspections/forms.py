from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.people import person
from counties.models import County, Role
from households.models import HouseholdStatus
from inspections.models import SAMPLE_STATUSES


class SampleDrawForm(forms.Form):
    counties = forms.ModelMultipleChoiceField(
        County.objects.filter(files_reports=True),
        required=False,
        label=_("县（市、区）（不选为全部）"),
        to_field_name="code",
    )
    rate = forms.DecimalField(
        label=_("抽样比例"), min_value=Decimal("0.0001"), max_value=Decimal("1"), decimal_places=4, initial="0.05"
    )
    minimum = forms.IntegerField(label=_("每县最少户数"), min_value=0, max_value=10000, initial=10)
    status = forms.ChoiceField(
        label=_("抽样范围（状态）"),
        choices=[(s.value, s.label) for s in SAMPLE_STATUSES],
        initial=HouseholdStatus.COMPLETED,
    )
    stratify = forms.BooleanField(label=_("按改造类型分层"), required=False)
    seed = forms.CharField(label=_("随机种子（留空则取抽取时间）"), required=False, max_length=100)
    inspectors = forms.ModelMultipleChoiceField(
        get_user_model().objects.none(), required=False, label=_("检查人员"), to_field_name="username"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = get_user_model().objects.filter(
            groups__name=Role.INSPECTOR.value, is_active=True
        )
        # Inspectors by name, as the samples table lists them; the posted values stay usernames.
        self.fields["inspectors"].label_from_instance = person


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)
