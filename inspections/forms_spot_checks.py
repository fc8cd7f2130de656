"""The desk form of a spot check: one household per line, its ID number and the finding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.models import DESK_FINDINGS


class SpotCheckForm(forms.Form):
    county = forms.ChoiceField(label=_("县（市、区）"))
    checked_on = forms.DateField(label=_("抽查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    inspector = forms.CharField(label=_("检查人"), max_length=100)
    lines = forms.CharField(
        label=_("检查的改造户及结果"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一户：身份证号 空格 结果（正常使用、改而不用、燃煤复烧、设备已拆除）"),
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]

    def clean_lines(self):
        # A line may name the finding by its Chinese label or by its code.
        labels = {str(f.label): f.value for f in DESK_FINDINGS} | {f.value: f.value for f in DESK_FINDINGS}
        items = []
        errors = []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = line.replace(",", " ").replace("，", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or parts[1] not in labels:
                errors.append(
                    _("第%(n)d行应为“身份证号 结果”，结果为正常使用、改而不用、燃煤复烧或设备已拆除。") % {"n": number}
                )
                continue
            items.append({"id_number": parts[0], "finding": labels[parts[1]]})
        if errors:
            raise forms.ValidationError(errors)
        if not items:
            raise forms.ValidationError(_("请至少填写一户。"))
        return items
