from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.captcha import address_needs_captcha, captcha_new


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label=_("来源地址"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("ip_address"):
            raise forms.ValidationError(_("请指定要解除锁定的用户名或来源地址。"))
        return data


class LoginForm(AuthenticationForm):
    """The login page's form: the CAPTCHA appears once the client address is past its threshold
    (``accounts.captcha``); the check itself is in the authentication backend, for every door."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "captcha": _("请输入图中的验证码（本机所在地址登录失败次数较多）。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.captcha = captcha_new() if address_needs_captcha(request) else None
        self.captcha_refused = False

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "captcha_refused", False):
                self.captcha_refused = True
                raise forms.ValidationError(self.error_messages["captcha"], code="captcha") from None
            raise
