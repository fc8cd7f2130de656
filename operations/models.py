"""What the operations app stores: one heartbeat row per task worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Updated every ``TASK_HEARTBEAT_SECONDS`` by a running ``task_worker`` (operations/worker.py).

    django_tasks_db records which worker claimed a task but never whether that worker is still alive;
    a row older than ``TASK_WORKER_TIMEOUT_SECONDS`` means it is gone (killed, machine down), and its
    running tasks are failed by the sweep (operations/sweep.py).
    """

    worker_id = models.CharField(_("任务进程编号"), max_length=64, unique=True)
    host = models.CharField(_("主机"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), null=True, blank=True)
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("任务进程心跳")
        verbose_name_plural = _("任务进程心跳")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
