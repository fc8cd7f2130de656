"""Receivers that put Django's and axes' login events into the security log (recording only)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.middleware import mark_session_active
from accounts.models import EventKind
from accounts.services import security_event_record
from core.signals import api_request_refused


@receiver(api_request_refused, dispatch_uid="accounts-api-refused")
def record_api_refusal(sender, request, status, detail, **kwargs):
    kind = EventKind.PERMISSION_DENIED if status == 403 else EventKind.OUT_OF_SCOPE
    security_event_record(kind=kind, request=request, detail={"status": status, "detail": detail})


@receiver(user_logged_in, dispatch_uid="accounts-login-ok")
def record_login(sender, request, user, **kwargs):
    mark_session_active(request)
    security_event_record(kind=EventKind.LOGIN_OK, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts-logout")
def record_logout(sender, request, user, **kwargs):
    # an idle session that ended is recorded as such by the middleware
    if user is not None and not getattr(request, "session_expired", False):
        security_event_record(kind=EventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts-login-failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    security_event_record(
        kind=EventKind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username") or ""),
        detail={"locked": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_locked_out, dispatch_uid="accounts-lockout")
def record_lockout(sender, request, username=None, ip_address=None, **kwargs):
    # axes also sends this for every attempt refused while the lock lasts; only the attempt that
    # reached the limit has a failure count.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    security_event_record(
        kind=EventKind.LOCKOUT,
        request=request,
        username=username or "",
        detail={"failures": request.axes_failures_since_start, "ip_address": ip_address},
    )
