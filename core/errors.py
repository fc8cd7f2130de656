"""The 500 handler: the API's JSON error shape under /api/, a Chinese page elsewhere, both with the request id.

Rendered without context processors or the database: whatever failed may be the database itself.
"""

from __future__ import annotations

import sys

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from core.request_id import current_request_id
from core.unavailable import is_unavailable, unavailable_response


def server_error(request, *args, **kwargs):
    # Called inside Django's ``except``: a database or cache outage raised by a middleware is a 503.
    exc = sys.exc_info()[1]
    if is_unavailable(exc):
        return unavailable_response(request, exc)
    request_id = getattr(request, "request_id", None) or current_request_id()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "detail": _("服务器内部错误，请稍后重试；如问题仍在，请把请求编号告诉系统管理员。"),
                "request_id": request_id,
            },
            status=500,
        )
    html = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponseServerError(html)


def page_not_found(request, exception, *args, **kwargs):
    """An unknown URL (or a malformed path parameter such as a year that is not a number) under /api/
    is the JSON error shape like every other 404 of the API; pages keep Django's 404."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("未找到。")}, status=404)
    from django.views.defaults import page_not_found as default_page_not_found

    return default_page_not_found(request, exception)
