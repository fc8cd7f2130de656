"""Task-worker heartbeats: written by the worker, read by readiness and by the sweep of dead workers' jobs."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from operations.models import WorkerHeartbeat

log = logging.getLogger("operations.worker")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "TASK_HEARTBEAT_SECONDS", 10))


def worker_timeout() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "TASK_WORKER_TIMEOUT_SECONDS", 60)))


def heartbeat_beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """Record that ``worker_id`` is alive (one row per worker, updated in place)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "seen_at": now or timezone.now(),
            "started_at": started_at,
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def heartbeat_stop(*, worker_id: str) -> None:
    """A worker that stops cleanly says so, so that nobody waits for its timeout."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(*, now: datetime | None = None) -> set[str]:
    cutoff = (now or timezone.now()) - worker_timeout()
    return set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))


def latest_heartbeat() -> datetime | None:
    """The most recent heartbeat of any worker (an index lookup: readiness calls it every few seconds)."""
    row = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return row


class HeartbeatThread(threading.Thread):
    """Beats every ``heartbeat_seconds()`` on its own database connection, whatever the task is doing.

    A database outage only skips beats (logged once per outage); the thread carries on.
    """

    def __init__(self, *, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        failing = False
        while True:  # beat first, then wait: even a worker stopped at once has beaten
            try:
                close_old_connections()
                heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at)
                if failing:
                    log.info("heartbeat of worker %s recorded again", self.worker_id)
                failing = False
            except DatabaseError as exc:
                if not failing:
                    log.warning("heartbeat of worker %s not recorded: %s", self.worker_id, exc)
                failing = True
                connection.close()
            if self.stopping.wait(heartbeat_seconds()):
                break
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=heartbeat_seconds() + 5)
