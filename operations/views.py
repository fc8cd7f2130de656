"""``/healthz`` (the process answers) and ``/readyz`` (its dependencies answer): no login, no session;
``/metrics`` for Prometheus, only from ``METRICS_ALLOWED_ADDRESSES`` or with ``METRICS_TOKEN``.

A load balancer calls them every few seconds: they touch no session, set no cookie and never 500.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from accounts.network import client_ip
from operations.metrics import metrics_text
from operations.readiness import readiness


@csrf_exempt
@never_cache
@require_safe
def healthz(request):
    """Alive: answers without touching the database, the cache or the disk."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@never_cache
@require_safe
def readyz(request):
    ok, checks = readiness()
    failed = [name for name, result in checks.items() if result != "ok"]
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    if failed:
        body["failed"] = failed
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = "5"
    return response


@csrf_exempt
@never_cache
@require_safe
def metrics(request):
    """Prometheus exposition. From an allowed address (the client's address as accounts.network sees it,
    so behind nginx set TRUSTED_PROXY_COUNT) or with ``Authorization: Bearer <METRICS_TOKEN>``; a wrong
    token is a 403, anyone else a 404 (the endpoint does not announce itself)."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if token and hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode()):
            return _metrics_response()
        return HttpResponseForbidden()
    if client_ip(request) in settings.METRICS_ALLOWED_ADDRESSES:
        return _metrics_response()
    raise Http404


def _metrics_response() -> HttpResponse:
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
