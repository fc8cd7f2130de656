"""A dependency that is down (the database, the cache) is a 503 with ``Retry-After``, never a 500.

A request whose database connection dropped, or whose Redis is unreachable, did not fail because of
anything the client sent: a load balancer should try another server and the client should come back in
a few seconds. The API answers the one error shape (``{"code": "service_unavailable", ...}``), pages a
Chinese page. Mapped in three places, because each catches a different stage of the request:
``ServiceUnavailableMiddleware.process_exception`` (views, pages and API alike),
``core.api.exception_handler`` (DRF's own stages: authentication, throttles) and the 500 handler
(middleware further in, e.g. a session read).

Rendered without context processors or the database, like the 500 page.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from core.request_id import current_request_id

RETRY_AFTER_SECONDS = 5
log = logging.getLogger("core.unavailable")


def _cache_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # redis is optional without REDIS_URL
        return ()
    return (RedisConnectionError, RedisTimeoutError)


def is_unavailable(exc: BaseException | None) -> bool:
    """True for the database's and the cache's "cannot reach it" errors (not for a bad query)."""
    if exc is None:
        return False
    # ConnectionError: a refused socket (a cache client that does not wrap it).
    if isinstance(exc, (OperationalError, InterfaceError, ConnectionError)):
        return True
    errors = _cache_errors()
    return bool(errors) and isinstance(exc, errors)


def unavailable_detail() -> str:
    return _("服务暂时不可用，请稍后重试。")


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or current_request_id()
    log.warning("dependency unavailable (%s: %s), answering 503", type(exc).__name__, exc)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "service_unavailable", "detail": unavailable_detail(), "request_id": request_id}, status=503
        )
    else:
        html = loader.get_template("503.html").render({"request_id": request_id})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Turns a database or cache outage raised by a view into a 503 (any other exception goes on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # The cause too: a throttle turns the cache's error into its own 503 (core/throttling.py).
        if is_unavailable(exception) or is_unavailable(exception.__cause__):
            return unavailable_response(request, exception)
        return None
