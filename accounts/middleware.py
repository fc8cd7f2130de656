import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from accounts.models import EventKind
from accounts.services import security_event_record

LAST_ACTIVITY = "_last_activity"
# The session is written at most this often just to note activity (a write per request is wasteful).
ACTIVITY_RESOLUTION_SECONDS = 60


def mark_session_active(request) -> None:
    """At login: the idle clock starts (and the first pages need no session write of their own)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) is not None:  # a session login, not a token
        session[LAST_ACTIVITY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Ends a browser session after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request, and says so
    on the login page the user is sent to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - last > timeout:
                security_event_record(
                    kind=EventKind.SESSION_EXPIRED, request=request, user=user, detail={"idle_seconds": now - last}
                )
                request.session_expired = True
                logout(request)
                messages.info(
                    request,
                    _("您已连续 %(minutes)d 分钟未操作，为保护数据已自动退出，请重新登录。")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES},
                )
            elif last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API response and on every page or export served to a
    signed-in user: a shared office PC's browser cache must not keep residents' data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # set by DRF too when a token authenticated the request
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
