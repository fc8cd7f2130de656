"""Whole-roster exports in the background (django-tasks): start, write with progress, download, clean up.

An export of more rows than the page counts (``roster_page.COUNT_LIMIT``) is not built inside a request:
at ten times the city's roster that took a minute, and nothing reached the browser before the end (a
proxy's 60 s timeout cut it). The page starts a ``RosterExport``; a worker (``manage.py db_worker``)
runs ``households.tasks.roster_export_task`` (queued by ``tasks.roster_export_start``), which streams the rows from a server-side cursor into
``write_xlsx_fast`` (flat memory) and records its progress every ``PROGRESS_EVERY`` rows; the page
polls a small JSON status and offers the file when it is ready. The file is kept ``EXPORT_KEEP`` (a day)
and only the user who asked for it may download it. A whole-ID export is recorded like a direct one
(``services.export_audit_record``: who, when, rows, filters) when its file is written.
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
from households import roster_page
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

EXPORT_KEEP = timedelta(days=1)
PROGRESS_EVERY = 5000
FILTER_KEYS = ("county", "type", "status", "q")
log = logging.getLogger("households.export")


def export_dir() -> Path:
    """Private: under MEDIA_ROOT, which is never served as such (files leave only through the download view)."""
    return Path(settings.MEDIA_ROOT) / "roster-exports"


def roster_exports_cleanup(*, now=None) -> int:
    """Delete exports (and their files) older than EXPORT_KEEP; returns how many."""
    cutoff = (now or timezone.now()) - EXPORT_KEEP
    old = list(RosterExport.objects.filter(created_at__lt=cutoff))
    for export in old:
        _remove_file(export)
    RosterExport.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)


def _remove_file(export: RosterExport) -> None:
    if export.file_name:
        for path in (export_dir() / export.file_name, export_dir() / f"{export.file_name}.part"):
            path.unlink(missing_ok=True)


def roster_export_get_for_user(*, user, plan: Plan, pk) -> RosterExport:
    """The user's own export (another user's, even the same role's, is a 404: it may hold whole IDs)."""
    try:
        return RosterExport.objects.get(pk=int(pk), user=user, plan=plan, created_at__gte=timezone.now() - EXPORT_KEEP)
    except (RosterExport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该导出文件，可能已超过保留期限（1天）。")) from None


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
        with translation.override("zh-hans"), open(part, "wb") as out:
            write_xlsx_fast(export_sheet(rows, title=_("改造户花名册"), with_money=rates is not None), out)
        os.replace(part, export_dir() / name)
    except Exception as exc:
        part.unlink(missing_ok=True)
        log.exception("roster export %s failed", export_id)
        RosterExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    RosterExport.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE, rows_done=rows.count, finished_at=timezone.now()
    )
    if whole:
        export_audit_record(user=user, plan=plan, rows=rows.count, filters={**filters, "background_export": export.pk})
    return rows.count
