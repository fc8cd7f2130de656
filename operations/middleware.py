"""Per-request metrics: count, latency and database queries, labelled by the URL's name (never the path,
which would give one series per household id)."""

from __future__ import annotations

import time

from django.db import connection

from operations.metrics import LATENCY, QUERIES, REQUESTS


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or match._func_path


class MetricsMiddleware:
    """Near the top of MIDDLEWARE so that the time and the queries of the inner middleware count too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        view = view_label(request)
        REQUESTS.labels(view=view, method=request.method, status=str(response.status_code)).inc()
        LATENCY.labels(view=view).observe(time.perf_counter() - started)
        QUERIES.labels(view=view).observe(counter.count)
        return response
