"""``/healthz`` (the process answers) and ``/readyz`` (its dependencies answer): no login, no session.

A load balancer calls them every few seconds: they touch no session, set no cookie and never 500.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

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
