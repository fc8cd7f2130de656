"""Login failure handling on top of django-axes: one lock for the login page and the token endpoint.

axes counts failures per lockout parameter (account, client address) and compares the largest count
with one limit. Here the address has a limit of its own (``LOGIN_FAILURE_LIMIT_PER_ADDRESS``, higher:
a county office's clerks may share one NAT address), so ``get_failures`` reports "at the limit" when
either the account or the address has reached its own limit.
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
        by_account, by_address = self._failure_counts(request, credentials)
        account_limit = settings.AXES_FAILURE_LIMIT
        if by_address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return max(by_account, account_limit)
        return by_account

    def _failure_counts(self, request, credentials) -> tuple[int, int]:
        recent = _recent_attempts(request)
        username = get_client_username(request, credentials)
        by_account = 0
        if username:
            by_account = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        by_address = recent.filter(ip_address=address).aggregate(n=Sum("failures_since_start"))["n"] or 0
        return by_account, by_address


def _recent_attempts(request=None):
    cool_off = get_cool_off(request)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


def lock_remaining(*, username: str | None, ip_address: str | None) -> timedelta | None:
    """How long the account or the address stays locked (None: not locked)."""
    recent = _recent_attempts()
    remaining = []
    checks = [(ip_address and {"ip_address": ip_address}, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)]
    if username:
        checks.append(({"username": username}, settings.AXES_FAILURE_LIMIT))
    for lookup, limit in checks:
        if not lookup:
            continue
        row = recent.filter(**lookup).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if (row["n"] or 0) >= limit:
            remaining.append(row["last"] + get_cool_off() - timezone.now())
    return max(remaining) if remaining else None


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
