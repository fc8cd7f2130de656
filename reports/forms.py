from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from counties.models import AreaClass
from reports.models import NARRATIVE_MAX_LENGTH


def line_field_name(type_code: str, area_class: str) -> str:
    return f"line__{type_code}__{area_class}"


class ReportForm(forms.Form):
    """The clerk's monthly form. Cells are free text: the service judges them and its messages,
    keyed ``lines.N.households``, are put back on the right cell."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    narrative = forms.CharField(
        label=_("当月工作推进情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": NARRATIVE_MAX_LENGTH}),
    )
    problems = forms.CharField(
        label=_("存在问题及下步打算"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NARRATIVE_MAX_LENGTH}),
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.types = list(types)
        self.line_keys: list[tuple[str, str, str]] = []  # (field name, type code, area class)
        for retrofit_type in self.types:
            unit = _("㎡") if retrofit_type.is_area else _("户")
            for area_class, area_label in AreaClass.choices:
                name = line_field_name(retrofit_type.code, area_class)
                self.fields[name] = forms.CharField(
                    required=False,
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "decimal" if retrofit_type.is_area else "numeric",
                            "class": "line-input",
                            "data-type": retrofit_type.code,
                            "data-area": area_class,
                            "autocomplete": "off",
                            # The sheet's cell has no <label>: screen readers need the row and column.
                            "aria-label": _("%(type)s（%(area)s）本月完成（%(unit)s）")
                            % {"type": retrofit_type.name, "area": area_label, "unit": unit},
                        }
                    ),
                )
                self.line_keys.append((name, retrofit_type.code, area_class))
        self.type_by_code = {t.code: t for t in self.types}

    def raw_lines(self) -> list[dict]:
        lines = []
        for name, type_code, area_class in self.line_keys:
            value = self.cleaned_data.get(name, "")
            unit_key = "area_m2" if self.type_by_code[type_code].is_area else "households"
            lines.append({"type": type_code, "area_class": area_class, unit_key: value})
        return lines

    def add_service_errors(self, error: ValidationError) -> None:
        """Map a service's ``{"lines.3.households": [...]}`` errors onto the form's fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            parts = key.split(".")
            if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(self.line_keys):
                self.add_error(self.line_keys[int(parts[1])][0], messages)
            elif key in self.fields:
                self.add_error(key, messages)
            else:
                self.add_error(None, messages)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), required=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NewReportForm(forms.Form):
    period = forms.ChoiceField(label=_("月份"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]
        # The month a clerk most likely files now is the latest one open, not the oldest.
        if periods:
            self.fields["period"].initial = max(periods)
