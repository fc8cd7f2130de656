"""Tasks survive: workers beat, a dead worker's export ends failed with its partial file gone, the worker
outlives a database outage; export files are 0600, deleted once downloaded or after the keeping time."""

import stat
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from households import roster_jobs
from households.models import ExportStatus, RosterExport
from operations.heartbeat import heartbeat_beat, live_worker_ids
from operations.models import WorkerHeartbeat
from operations.sweep import ROSTER_EXPORT_TASK, tasks_of_dead_workers_fail
from operations.worker import ResilientWorker
from tests.households.helpers import body_bytes, make_household, read_xlsx

pytestmark = pytest.mark.django_db
RAN: list[int] = []


@task()
def record_task(n: int) -> int:
    RAN.append(n)
    return n


@pytest.fixture
def roster(plan):
    return [make_household(plan, seq=1), make_household(plan, seq=2)]


def _running_export(user, plan, *, worker_id: str, started_ago: timedelta):
    """An export a worker was writing when it was killed: running, a .part file, its task row running."""
    name = "99-interrupted.xlsx"
    export = RosterExport.objects.create(
        user=user, plan=plan, status=ExportStatus.RUNNING, rows_total=15470, rows_done=5000, file_name=name
    )
    roster_jobs.export_dir().mkdir(parents=True, exist_ok=True)
    part = roster_jobs.export_dir() / f"{name}.part"
    part.write_bytes(b"partial rows with whole ID numbers")
    DBTaskResult.objects.create(
        task_path=ROSTER_EXPORT_TASK,
        args_kwargs={"args": [export.pk], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now() - started_ago,
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=[worker_id],
    )
    return export, part


def test_a_killed_workers_export_ends_failed_its_partial_file_gone_when_its_status_is_read(api, users, plan, settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    # The worker's last beat is two minutes old: it was killed (kill -9) while writing.
    heartbeat_beat(worker_id="web1-1", started_at=timezone.now(), now=timezone.now() - timedelta(minutes=2))
    export, part = _running_export(users["finance"], plan, worker_id="web1-1", started_ago=timedelta(minutes=3))
    response = api(users["finance"]).get(f"/api/v1/plans/2021/households/exports/{export.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed" and body["error"] == "导出中断，请重新导出"
    assert body["download_url"] is None
    assert not part.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED


def test_the_export_page_tells_the_user_to_export_again(web, users, plan, settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    export, part = _running_export(users["city"], plan, worker_id="gone", started_ago=timedelta(minutes=5))
    client = web(users["city"])
    state = client.get(f"/plans/2021/households/exports/{export.pk}/status/")
    assert state.status_code == 200
    assert state.json()["status"] == "failed" and state.json()["error_message"] == "导出中断，请重新导出"
    page = client.get(f"/plans/2021/households/exports/{export.pk}/")
    assert page.status_code == 200 and "导出中断，请重新导出" in page.content.decode()
    assert not part.exists()


def test_the_cleanup_command_sweeps_dead_workers_exports(users, plan, settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    export, part = _running_export(users["city"], plan, worker_id="gone", started_ago=timedelta(minutes=5))
    call_command("roster_exports_cleanup")
    export.refresh_from_db()
    assert (export.status, export.error) == (ExportStatus.FAILED, roster_jobs.INTERRUPTED)
    assert not part.exists()


def test_a_live_workers_export_is_left_running(users, plan, settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    heartbeat_beat(worker_id="web1-1", started_at=timezone.now())
    export, part = _running_export(users["city"], plan, worker_id="web1-1", started_ago=timedelta(minutes=5))
    assert roster_jobs.roster_exports_interrupted_fail() == 0
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING and part.exists()


def test_a_task_just_claimed_is_not_judged_before_its_worker_could_beat(users, plan, settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    _running_export(users["city"], plan, worker_id="new-worker", started_ago=timedelta(seconds=5))
    assert tasks_of_dead_workers_fail() == 0


def test_heartbeats_are_one_row_per_worker_and_expire(settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    started = timezone.now()
    heartbeat_beat(worker_id="a", started_at=started)
    heartbeat_beat(worker_id="a", started_at=started)
    heartbeat_beat(worker_id="b", started_at=started, now=timezone.now() - timedelta(seconds=61))
    assert WorkerHeartbeat.objects.count() == 2
    assert live_worker_ids() == {"a"}


def test_a_background_export_file_is_written_mode_0600(web, users, roster):
    client = web(users["finance"])
    assert client.post("/plans/2021/households/exports/", {}).status_code == 302
    path = roster_jobs.export_file_path(RosterExport.objects.get())
    assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_file_is_deleted_as_soon_as_it_is_downloaded(web, users, roster):
    client = web(users["finance"])
    assert client.post("/plans/2021/households/exports/", {}).status_code == 302
    export = RosterExport.objects.get()
    path = roster_jobs.export_file_path(export)
    download = client.get(f"/plans/2021/households/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert len(read_xlsx(body_bytes(download))) == 3  # header and both households, streamed after the unlink
    assert not path.exists()
    again = client.get(f"/plans/2021/households/exports/{export.pk}/download/")
    assert again.status_code == 404
    state = client.get(f"/plans/2021/households/exports/{export.pk}/status/")
    assert state.status_code == 200 and state.json()["download_url"] is None


def test_an_export_not_downloaded_is_deleted_after_the_keeping_time(web, users, roster, settings):
    settings.ROSTER_EXPORT_KEEP_MINUTES = 60
    assert web(users["city"]).post("/plans/2021/households/exports/", {}).status_code == 302
    path = roster_jobs.export_file_path(RosterExport.objects.get())
    assert roster_jobs.roster_exports_cleanup(now=timezone.now() + timedelta(minutes=59)) == 0
    assert path.exists()
    assert roster_jobs.roster_exports_cleanup(now=timezone.now() + timedelta(minutes=61)) == 1
    assert not path.exists() and not RosterExport.objects.exists()


def test_the_keeping_time_is_a_documented_setting_of_an_hour():
    from pathlib import Path

    from django.conf import settings

    assert settings.ROSTER_EXPORT_KEEP_MINUTES == 60
    assert "ROSTER_EXPORT_KEEP_MINUTES" in (Path(__file__).resolve().parents[2] / "README.md").read_text()


@pytest.mark.django_db(transaction=True)
def test_the_worker_carries_on_after_the_database_raises_operational_error(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RAN.clear()
    record_task.enqueue(7)
    real_get_locked = DBTaskResultQuerySet.get_locked
    calls = {"n": 0}

    def flaky(self):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_get_locked(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", flaky)
    slept = []
    worker = ResilientWorker(
        heartbeat=False,
        sleep=slept.append,
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run()
    assert worker.outages == 1 and slept == [1.0]
    assert RAN == [7]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_command_runs_the_queue_beats_and_removes_its_heartbeat_when_it_stops(settings):
    # transaction=True: the worker's heartbeat thread has a connection of its own and must see the rows.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RAN.clear()
    record_task.enqueue(3)
    seen = []

    real_beat = heartbeat_beat

    def beat(**kwargs):
        # Counted before the write: on the suite's in-memory SQLite another thread's write may meet
        # "schema is locked" (skipped and retried by the thread; a file database in WAL mode waits).
        seen.append(kwargs["worker_id"])
        real_beat(**kwargs)

    from unittest import mock

    with mock.patch("operations.heartbeat.heartbeat_beat", beat):
        call_command("task_worker", "--batch", "--no-startup-delay", "--worker-id", "cmd-worker", verbosity=0)
    assert RAN == [3]
    assert seen and set(seen) == {"cmd-worker"}
    assert not WorkerHeartbeat.objects.filter(worker_id="cmd-worker").exists()
