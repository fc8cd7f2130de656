"""Whole-roster exports in the background (django-tasks): start, write with progress, download, clean up.

An export of more rows than the page counts (``roster_page.COUNT_LIMIT``) is not built inside a request:
at ten times the city's roster that took a minute, and nothing reached the browser before the end (a
proxy's 60 s timeout cut it). The page starts a ``RosterExport``; a worker (``manage.py task_worker``)
runs ``households.tasks.roster_export_task`` (queued by ``tasks.roster_export_start``), which streams the rows from a server-side cursor into
``write_xlsx_fast`` (flat memory) and records its progress every ``PROGRESS_EVERY`` rows; the page
polls a small JSON status and offers the file when it is ready. Only the user who asked for it may
download it; the file (mode 0600: it may hold whole ID numbers) is deleted as soon as it has been
downloaded or after ``ROSTER_EXPORT_KEEP_MINUTES`` (an hour by default). A whole-ID export is recorded
like a direct one (``services.export_audit_record``: who, when, rows, filters) when its file is written.

An export whose worker died (``kill -9``, a machine gone) would stay "running" for ever, with a ``.part``
file of whole IDs on disk: ``roster_exports_interrupted_fail`` asks the checks registered in
``households.hooks`` (operations: the workers' heartbeats) and marks such exports failed
("导出中断，请重新导出"), deleting the partial file. It runs with each cleanup and whenever a status is read.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exports import write_xlsx_fast
from counties.models import Plan
from households import hooks, roster_page
from households.models import ExportStatus, RosterExport
from households.roster_export import export_sheet
from households.selectors import (
    household_rows,
    households_filter,
    households_for_user,
    pii_key_missing,
    sees_whole_ids,
    subsidy_rates_for_user,
)

# Stored in ``RosterExport.error`` for an export whose worker died; shown as INTERRUPTED_MESSAGE.
INTERRUPTED = "interrupted"
FILE_MODE = 0o600
PROGRESS_EVERY = 5000
FILTER_KEYS = ("county", "type", "status", "q", "hardship")
log = logging.getLogger("households.export")


def export_dir() -> Path:
    """Private: under MEDIA_ROOT, which is never served as such (files leave only through the download view)."""
    return Path(settings.MEDIA_ROOT) / "roster-exports"


def export_keep() -> timedelta:
    """How long an export (and its file) is kept: ``ROSTER_EXPORT_KEEP_MINUTES``."""
    return timedelta(minutes=int(getattr(settings, "ROSTER_EXPORT_KEEP_MINUTES", 60)))


def interrupted_message() -> str:
    return _("导出中断，请重新导出")


def export_error_message(export: RosterExport) -> str | None:
    """What the user is told about a failed export (no internal detail)."""
    if export.status != ExportStatus.FAILED:
        return None
    if export.error == INTERRUPTED:
        return interrupted_message()
    return _("导出失败，请重新导出或联系管理员。")


def roster_exports_cleanup(*, now=None) -> int:
    """Fail the exports of dead workers, then delete exports (and their files) older than
    ``export_keep()``; returns how many were deleted."""
    roster_exports_interrupted_fail()
    cutoff = (now or timezone.now()) - export_keep()
    old = list(RosterExport.objects.filter(created_at__lt=cutoff))
    for export in old:
        _remove_file(export)
    RosterExport.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)


def roster_exports_interrupted_fail(*, export_ids: list[int] | None = None) -> int:
    """Mark failed the unfinished exports (all, or ``export_ids``) whose task can no longer finish,
    and delete their partial files; returns how many."""
    unfinished = RosterExport.objects.filter(status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING))
    if export_ids is not None:
        unfinished = unfinished.filter(pk__in=export_ids)
    ids = list(unfinished.values_list("pk", flat=True))
    if not ids:
        return 0
    gone: set[int] = set()
    for check in hooks.export_interruption_checks():
        gone |= check(export_ids=ids)
    failed = 0
    for export in RosterExport.objects.filter(pk__in=gone, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)):
        _remove_file(export)
        failed += RosterExport.objects.filter(
            pk=export.pk, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)
        ).update(status=ExportStatus.FAILED, error=INTERRUPTED, finished_at=timezone.now())
        log.warning("roster export %s interrupted: its worker is gone; partial file deleted", export.pk)
    return failed


def _remove_file(export: RosterExport) -> None:
    if export.file_name:
        for path in (export_dir() / export.file_name, export_dir() / f"{export.file_name}.part"):
            path.unlink(missing_ok=True)


def roster_export_get_for_user(*, user, plan: Plan, pk) -> RosterExport:
    """The user's own export (another user's, even the same role's, is a 404: it may hold whole IDs).

    An unfinished one is checked first: if its worker is gone it is failed now, not at the next sweep.
    """
    try:
        export = RosterExport.objects.get(
            pk=int(pk), user=user, plan=plan, created_at__gte=timezone.now() - export_keep()
        )
    except (RosterExport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该导出文件，可能已超过保留期限或已被下载。")) from None
    if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and roster_exports_interrupted_fail(
        export_ids=[export.pk]
    ):
        export.refresh_from_db()
    return export


def export_file_downloaded(export: RosterExport) -> None:
    """The file has been handed to its owner (the response holds it open): delete it from disk now."""
    _remove_file(export)
    log.info("roster export %s downloaded; file deleted", export.pk)


def export_file_path(export: RosterExport) -> Path | None:
    if export.status != ExportStatus.DONE or not export.file_name:
        return None
    path = export_dir() / export.file_name
    return path if path.exists() else None


class _Progress:
    """Counts the rows as the writer takes them and stores the count every PROGRESS_EVERY rows."""

    def __init__(self, export_id: int, rows):
        self.export_id = export_id
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                RosterExport.objects.filter(pk=self.export_id).update(rows_done=self.count)
            yield row


def export_percent(export: RosterExport) -> int:
    """How far the export is, for the progress bar: 100 only when done (the count may lag the last rows)."""
    if export.status == ExportStatus.DONE:
        return 100
    total = export.rows_total
    return min(99, export.rows_done * 100 // total) if total else 0


def roster_export_write(export_id: int) -> int:
    """The task's body: write the file, recording progress; returns the number of rows written."""
    from households.services import export_audit_record

    export = RosterExport.objects.select_related("user", "plan").get(pk=export_id)
    RosterExport.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING)
    user, plan, filters = export.user, export.plan, export.filters
    queryset = households_filter(
        households_for_user(user=user, plan=plan),
        county=filters.get("county", ""),
        type_code=filters.get("type", ""),
        status=filters.get("status", ""),
        q=filters.get("q", ""),
        hardship=filters.get("hardship", ""),
    )
    whole = sees_whole_ids(user=user)
    name = f"{export.pk}-{uuid.uuid4().hex}.xlsx"
    part = export_dir() / f"{name}.part"
    try:
        if whole and (missing := pii_key_missing(queryset)):
            raise RuntimeError(f"PII key {missing!r} missing: set it in PII_KEYS")
        RosterExport.objects.filter(pk=export_id).update(rows_total=queryset.count(), file_name=name)
        rates = subsidy_rates_for_user(user=user, plan=plan)
        rows = _Progress(
            export_id,
            household_rows(queryset.order_by(*roster_page.ORDER), whole_ids=whole, rates=rates, chunk_size=5000),
        )
        export_dir().mkdir(parents=True, exist_ok=True)
        # 0600 from the first byte (not chmod afterwards): the file may hold whole ID numbers.
        descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with translation.override("zh-hans"), os.fdopen(descriptor, "wb") as out:
            write_xlsx_fast(export_sheet(rows, title=_("改造户花名册"), with_money=rates is not None), out)
        os.chmod(part, FILE_MODE)  # an existing file keeps its mode through O_CREAT
        os.replace(part, export_dir() / name)
    except Exception as exc:
        part.unlink(missing_ok=True)
        log.exception("roster export %s failed", export_id)
        RosterExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    finished = RosterExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, rows_done=rows.count, finished_at=timezone.now()
    )
    if not finished:
        # Declared interrupted meanwhile (its heartbeat was late): the user was told to export again.
        (export_dir() / name).unlink(missing_ok=True)
        return rows.count
    if whole:
        export_audit_record(user=user, plan=plan, rows=rows.count, filters={**filters, "background_export": export.pk})
    return rows.count
