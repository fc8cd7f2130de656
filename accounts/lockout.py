"""Login failure handling on top of django-axes: one lock for the login page and the token endpoint.

axes counts failures per lockout parameter (account, client address). Only the account locks: a
county office's clerks may share one NAT address, and locking the address would let anyone lock them
all out. Past its own threshold (``LOGIN_FAILURE_LIMIT_PER_ADDRESS``) an address must solve a CAPTCHA
instead (``accounts.captcha``); a refused CAPTCHA is not a password failure and counts against no account.
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework.renderers import JSONRenderer

from accounts.network import client_ip


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The account's failures from every address (the lock is per account only)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        return recent_attempts(request).filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # A missing or wrong CAPTCHA never reached the password check: no failure to count.
        if getattr(request, "captcha_refused", False):
            return
        super().user_login_failed(sender, credentials, request, **kwargs)


def recent_attempts(request=None):
    cool_off = get_cool_off(request)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


def lock_remaining(*, username: str | None, ip_address: str | None) -> timedelta | None:
    """How long the account stays locked (None: not locked). ``ip_address`` is kept for callers: an
    address no longer locks (it needs a CAPTCHA instead)."""
    if not username:
        return None
    row = recent_attempts().filter(username=username).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    if (row["n"] or 0) >= settings.AXES_FAILURE_LIMIT:
        return row["last"] + get_cool_off() - timezone.now()
    return None


def lock_message(remaining: timedelta) -> str:
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return ngettext(
        "登录失败次数过多，账号已被锁定，请在 %(minutes)d 分钟后再试，或联系市清洁取暖办解除锁定。",
        "登录失败次数过多，账号已被锁定，请在 %(minutes)d 分钟后再试，或联系市清洁取暖办解除锁定。",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the JSON error shape with Retry-After on the API, the login page otherwise."""
    username = get_client_username(request, credentials)
    remaining = lock_remaining(username=username, ip_address=client_ip(request)) or get_cool_off(request)
    message = lock_message(remaining)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        # The API's own renderer: UTF-8 JSON like every other response (JsonResponse escapes to ASCII).
        body = {"code": "locked", "detail": message, "retry_after": math.ceil(remaining.total_seconds())}
        response = HttpResponse(JSONRenderer().render(body), status=status, content_type="application/json")
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request, initial={"username": username or ""})
        response = render(
            request,
            "registration/login.html",
            {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
            status=status,
        )
    response["Retry-After"] = str(math.ceil(remaining.total_seconds()))
    return response
