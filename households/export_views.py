"""Pages of the background roster export: start, progress (page and JSON), download (households/roster_jobs.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from counties.selectors import plan_get_for_user
from households import roster_jobs, tasks
from households.selectors import require_reader


@login_required
@require_POST
def roster_export_start(request, year: int):
    require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    export = tasks.roster_export_start(user=request.user, plan=plan, filters=request.POST)
    return redirect("household-export", year=plan.year, pk=export.pk)


def _status_json(export, year: int) -> dict:
    return {
        "id": export.pk,
        "status": export.status,
        "status_label": export.get_status_display(),
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "percent": roster_jobs.export_percent(export),
        "download_url": reverse("household-export-download", kwargs={"year": year, "pk": export.pk})
        if roster_jobs.export_file_path(export)
        else None,
        "error": bool(export.error),
        "error_message": roster_jobs.export_error_message(export),
    }


@login_required
def roster_export_page(request, year: int, pk: int):
    require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    export = roster_jobs.roster_export_get_for_user(user=request.user, plan=plan, pk=pk)
    return render(
        request,
        "households/export.html",
        {
            "plan": plan,
            "export": export,
            "state": _status_json(export, plan.year),
            "keep_minutes": int(roster_jobs.export_keep().total_seconds() // 60),
        },
    )


@login_required
def roster_export_status(request, year: int, pk: int):
    require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    export = roster_jobs.roster_export_get_for_user(user=request.user, plan=plan, pk=pk)
    return JsonResponse(_status_json(export, plan.year))


@login_required
def roster_export_download(request, year: int, pk: int):
    require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    return export_file_response(roster_jobs.roster_export_get_for_user(user=request.user, plan=plan, pk=pk), plan)


def export_file_response(export, plan) -> FileResponse:
    """The finished file of a background export (page and API); 404 while it is not ready, expired or
    already downloaded: the file is deleted from disk once opened for its owner (the open handle still
    streams it), so whole ID numbers do not stay on the server."""
    path = roster_jobs.export_file_path(export)
    if path is None:
        raise Http404
    handle = path.open("rb")
    roster_jobs.export_file_downloaded(export)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"改造户花名册-{plan.year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
