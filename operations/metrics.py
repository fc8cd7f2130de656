"""Prometheus metrics (prometheus-client): requests, latency, queries per request, tasks, logins, locks.

Counters and histograms live in prometheus-client's default registry. gunicorn runs several worker
processes, each with its own counters: with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty directory,
writable by the service, emptied before gunicorn starts) every process writes its values there and
``/metrics`` adds them up (``multiprocess.MultiProcessCollector``); gunicorn's ``child_exit`` hook
(deploy/gunicorn.conf.py) tells the library when a worker has gone. Without it (``make run``, tests)
the one process reports its own values.

The task queue is read from the database when scraped (one grouped count over django_tasks_db's
rows, which ``prune_db_task_results`` keeps short), so every process reports the same numbers.
"""

from __future__ import annotations

import os

from django.db.models import Count
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "heating_http_requests_total",
    "HTTP requests answered, by view (URL name), method and status",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "heating_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
QUERIES = Histogram(
    "heating_http_request_db_queries",
    "Database queries run while answering one request, by view",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
SECURITY_EVENTS = Counter(
    "heating_security_events_total",
    "Security-log entries written, by kind (login_failed, lockout, captcha_refused, …)",
    ["kind"],
)


class TaskQueueCollector:
    """``heating_tasks{status}``: django_tasks_db rows by status (READY is the queue depth, FAILED the
    failures not yet pruned), read at scrape time."""

    def collect(self):
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        family = GaugeMetricFamily(
            "heating_tasks", "Background tasks in the database queue, by status", labels=["status"]
        )
        counts = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
        for status in TaskResultStatus.values:
            family.add_metric([status.lower()], counts.get(status, 0))
        yield family


def _metric_registry() -> CollectorRegistry:
    from prometheus_client import REGISTRY

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return registry


def metrics_text() -> bytes:
    """The exposition: this process's (or every gunicorn worker's) metrics plus the task queue."""
    registry = CollectorRegistry()
    queue = TaskQueueCollector()
    registry.register(queue)
    return generate_latest(_metric_registry()) + generate_latest(registry)


def security_event_counted(sender, instance, created, **kwargs) -> None:
    """post_save of accounts' SecurityEvent: failed logins, lockouts and the rest, counted by kind."""
    if created:
        SECURITY_EVENTS.labels(kind=instance.kind).inc()
