from axes.backends import AxesStandaloneBackend
from django.core.exceptions import PermissionDenied

from accounts.captcha import address_needs_captcha, captcha_passes
from accounts.models import EventKind
from accounts.services import security_event_record


class LockoutBackend(AxesStandaloneBackend):
    """axes' lock check, first in AUTHENTICATION_BACKENDS.

    Every door of the application (login page, admin login, token endpoint) authenticates with the
    request, and there the lock applies. A call without a request (the test client's ``login()``, a
    shell) has no client to count against, so it passes on to the password check instead of raising
    axes' "request required" error.

    An address past its failure threshold must also send a solved CAPTCHA (``accounts.captcha``):
    ``captcha_key`` and ``captcha_answer`` from the login form's POST, or as keyword arguments from
    the token endpoint. Without it, the chain stops here before any password is checked.
    """

    def authenticate(self, request=None, username=None, password=None, captcha_key=None, captcha_answer=None, **kwargs):
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        if address_needs_captcha(request):
            post = getattr(request, "POST", {})
            key = captcha_key if captcha_key is not None else post.get("captcha_key")
            answer = captcha_answer if captcha_answer is not None else post.get("captcha_answer")
            if not captcha_passes(key=key, answer=answer):
                request.captcha_refused = True
                security_event_record(
                    kind=EventKind.CAPTCHA_REFUSED,
                    request=request,
                    username=str(username or ""),
                    detail={"answered": bool(answer)},
                )
                raise PermissionDenied("captcha")
        return None
