"""The task worker: django_tasks_db's, with heartbeats and a loop that survives a database outage.

``manage.py db_worker`` exits on the first ``OperationalError`` that is not SQLite's "locked" (a
PostgreSQL restart, a dropped connection): under systemd it is restarted, under ``make run`` it is
gone. ``ResilientWorker`` closes the broken connection, waits (doubling up to ``MAX_BACKOFF``) and goes
on. A task interrupted by the outage has been marked failed by django_tasks_db when it could, or is
failed later by the sweep (operations/sweep.py) once this worker's heartbeat shows it was cut off.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

from operations.heartbeat import HeartbeatThread, heartbeat_stop

log = logging.getLogger("operations.worker")
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0


def _close_all_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # a connection already broken may fail to close; it is discarded anyway
            log.debug("closing a broken connection failed", exc_info=True)


class ResilientWorker(Worker):
    def __init__(self, *, heartbeat: bool = True, sleep=time.sleep, **kwargs):
        super().__init__(**kwargs)
        self.heartbeat = HeartbeatThread(worker_id=self.worker_id) if heartbeat else None
        self.sleep = sleep
        self.outages = 0

    def run(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.start()
        try:
            self._run_until_done()
        finally:
            if self.heartbeat is not None:
                self.heartbeat.stop()
                try:
                    heartbeat_stop(worker_id=self.worker_id)
                except (OperationalError, InterfaceError):
                    log.warning("worker %s stopped while the database is down; its heartbeat will expire")

    def _run_until_done(self) -> None:
        backoff = FIRST_BACKOFF
        while self.running:
            try:
                super().run()
                return  # batch or --max-tasks reached: a normal end
            except (OperationalError, InterfaceError) as exc:
                self.outages += 1
                log.warning("database unavailable (%s); worker %s retries in %.0f s", exc, self.worker_id, backoff)
                _close_all_connections()
                if not self.running:
                    return
                self.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                # Back to the normal pace once the loop has run again without failing (``super().run``
                # returns or raises; either way the next outage starts from the first delay).
                self.startup_delay = False
