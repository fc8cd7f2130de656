"""Tasks of dead workers: failed, so that nothing waits for ever on a worker that was killed.

django_tasks_db marks a task RUNNING when a worker claims it and never looks at it again: after a
``kill -9`` the row (and the roster export it writes) stays running. A task is the dead worker's when
the worker that claimed it last has no heartbeat newer than ``TASK_WORKER_TIMEOUT_SECONDS`` and the task
started before that, so a worker that just claimed a task is never judged before its first beat could
land.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from operations.heartbeat import live_worker_ids, worker_timeout

log = logging.getLogger("operations.worker")
ROSTER_EXPORT_TASK = "households.tasks.roster_export_task"
GONE_CLASS = "operations.sweep.WorkerGone"


def tasks_of_dead_workers_fail(*, now=None) -> int:
    """Mark failed every running task whose worker is gone; returns how many (running rows only: cheap)."""
    now = now or timezone.now()
    live = live_worker_ids(now=now)
    running = DBTaskResult.objects.running().filter(started_at__lt=now - worker_timeout())
    failed = 0
    for task in running.only("id", "worker_ids", "task_path"):
        worker = task.worker_ids[-1] if task.worker_ids else ""
        if worker in live:
            continue
        failed += DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=GONE_CLASS,
            traceback=f"worker {worker or '?'} sent no heartbeat for {worker_timeout()}: presumed dead",
        )
        log.warning("task %s (%s) failed: its worker %s is gone", task.pk, task.task_path, worker or "?")
    return failed


def roster_exports_interrupted(*, export_ids: list[int]) -> set[int]:
    """The exports among ``export_ids`` whose task failed (its worker died, or it failed without telling
    the export, e.g. in a database outage); registered in households.hooks."""
    tasks_of_dead_workers_fail()
    wanted = set(export_ids)
    gone: set[int] = set()
    # Only recent ones: older exports have been deleted by the cleanup anyway.
    recent = DBTaskResult.objects.failed().filter(
        task_path=ROSTER_EXPORT_TASK, finished_at__gte=timezone.now() - timedelta(days=1)
    )
    for args_kwargs in recent.values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args and args[0] in wanted:
            gone.add(args[0])
    return gone
