"""Account pages: password change, current login locks (unlock). Writes go through accounts.services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import UnlockForm
from accounts.selectors import locks_for_user


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        # Django keeps this session (update_session_auth_hash); the user's other sessions stop
        # matching the new password hash and end on their next request.
        response = super().form_valid(form)
        services.user_password_changed(user=form.user, request=self.request)
        messages.success(self.request, _("密码已修改。其他设备上的登录和全部接口令牌已失效。"))
        return response


@login_required
def lock_list(request):
    locks = locks_for_user(user=request.user)
    context = {
        "locks": locks,
        "form": UnlockForm(),
        "account_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
    }
    return render(request, "accounts/locks.html", context)


@login_required
@require_POST
def lock_release(request):
    locks_for_user(user=request.user)  # 403 for other roles, before reading the form
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("lock-list")
    removed = services.lockout_release(
        actor=request.user,
        request=request,
        username=form.cleaned_data["username"],
        ip_address=form.cleaned_data["ip_address"] or "",
    )
    target = " / ".join(v for v in (form.cleaned_data["username"], form.cleaned_data["ip_address"]) if v)
    if removed:
        messages.success(request, _("已解除 %(target)s 的登录锁定。") % {"target": target})
    else:
        messages.info(request, _("%(target)s 当前没有登录失败记录。") % {"target": target})
    return redirect("lock-list")
