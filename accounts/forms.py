from django import forms
from django.utils.translation import gettext_lazy as _


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label=_("来源地址"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("ip_address"):
            raise forms.ValidationError(_("请指定要解除锁定的用户名或来源地址。"))
        return data
