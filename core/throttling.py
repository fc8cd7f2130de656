"""Per-user rate limits (DRF throttling) for the endpoints that can be used to probe other counties.

Counts live in the default cache: Redis (``REDIS_URL``) in production so that every gunicorn worker
and machine shares them; a per-process local-memory cache would let each worker count apart.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.throttling import UserRateThrottle

from core.unavailable import RETRY_AFTER_SECONDS, is_unavailable


class ThrottleUnavailable(exceptions.APIException):
    """The cache holding the counts is unreachable: 503 with ``Retry-After`` (the API adds the header)."""

    status_code = 503
    default_code = "service_unavailable"

    def __init__(self):
        super().__init__(detail=_("导入限流服务暂时不可用（缓存无法连接），请稍后再试。"))
        self.wait = RETRY_AFTER_SECONDS


class RosterImportThrottle(UserRateThrottle):
    """Roster imports (dry runs included) per user: ``ROSTER_IMPORT_RATE``, e.g. ``30/hour``.

    A dry run tells whether ID numbers are registered in another county; the rate bounds how fast a
    clerk can ask that question.
    """

    scope = "roster_import"

    def allow_request(self, request, view):
        # Fail closed: without the shared counts nobody may import (a 503, never a 500 or a free pass).
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            if is_unavailable(exc):
                raise ThrottleUnavailable from exc
            raise

    def get_rate(self):
        # Read at request time (not at class definition) so that the setting can be changed in tests.
        return settings.ROSTER_IMPORT_RATE


def throttled_error(wait) -> exceptions.Throttled:
    """A 429 in the API's error shape with a Chinese message; DRF adds the Retry-After header."""
    seconds = math.ceil(wait) if wait is not None else None
    if seconds is None:
        detail = _("请求过于频繁，请稍后再试。")
    else:
        detail = _("请求过于频繁，请在 %(n)d 秒后再试。") % {"n": seconds}
    error = exceptions.Throttled(detail=detail)
    error.wait = seconds
    return error
