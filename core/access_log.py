"""One access-log line per request (logger ``heating.access``): method, path, status, duration, user id.

The path is ``request.path``: the query string is left out, because its values can be a resident's name
or ID number typed into a search box. The user id is taken only when the request already loaded its
user (never a database query just for the log). With ``LOG_FORMAT=json`` these are fields of the JSON
line (core/json_logging.py); the request id comes from the RequestIdFilter like every other line.
"""

from __future__ import annotations

import logging
import time

from django.utils.functional import empty

log = logging.getLogger("heating.access")


def loaded_user_id(request) -> int | None:
    user = request.__dict__.get("user")
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:  # the lazy user was never needed: do not load it now
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": loaded_user_id(request),
        }
        log.info(
            "%s %s %s %.1fms user=%s",
            fields["method"],
            fields["path"],
            fields["status"],
            duration_ms,
            fields["user_id"] if fields["user_id"] is not None else "-",
            extra=fields,
        )
        return response
