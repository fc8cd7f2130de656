"""Pages that compose the apps: city dashboard (with the map and the field inspections), submission
status grid, trends, county page, bulletin. They live in the top layer because they show figures of
reports, the roster and the inspections together."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import xlsx_response
from counties.documents import document_number_find
from counties.models import DocumentKind
from counties.permissions import page_permission
from counties.plan_choice import plan_for_request
from counties.selectors import county_get_for_user, scope_for_user
from households.hardship import hardship_line, hardship_sentence
from households.permissions import ReadsHardship
from inspections.models import VisitFinding
from inspections.selectors import inspection_summary, inspection_summary_public
from reports.dashboard import (
    bulletin,
    county_page_for_user,
    dashboard_for_user,
    trends_for_user,
)
from reports.exports import status_filename, status_sheet
from reports.periods import clean_as_of_period, default_as_of_period
from reports.permissions import CityOfficeOnly, DashboardRoles, ProgressReaders
from reports.submission_status import status_grid_for_user
from reports.years import years_grid, years_progress_for_user
from yuncheng_heating.document_views import bulletin_docx


def _as_of(request, plan) -> str:
    """The as-of month from ?period=, or the plan's last month with a message when it is not valid."""
    try:
        return clean_as_of_period(request.GET.get("period"), plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return plan.last_period


def _any_role(user):
    scope = scope_for_user(user)
    if scope.role is None:
        raise PermissionDenied(_("您的账号尚未分配角色，请联系系统管理员。"))
    return scope


@require_GET
@page_permission(DashboardRoles)
def dashboard(request):
    plan = plan_for_request(request)
    period = _as_of(request, plan)
    table = dashboard_for_user(user=request.user, plan=plan, period=period)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "plan": plan,
            "period": period,
            "periods": plan.periods(),
            "table": table,
            # 抽查 (改而不用、燃煤复烧), field visits and desk-entered checks alike: sampled, checked,
            # finding rates, rectifications per county. One table: the spot-check summary is these figures.
            "inspections": inspection_summary(user=request.user, plan=plan),
            "visit_findings": VisitFinding.choices,
        },
    )


@require_GET
@page_permission(DashboardRoles)
def status_grid(request):
    plan = plan_for_request(request)
    grid = status_grid_for_user(user=request.user, plan=plan)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(filename=status_filename(plan=plan), sheets=[status_sheet(plan=plan, grid=grid)])
    # The grid opens on the current month (the plan's last after it ended), not on its first.
    current = default_as_of_period(plan=plan)
    return render(request, "dashboard/status_grid.html", {"plan": plan, "grid": grid, "current": current})


@require_GET
@page_permission(DashboardRoles)
def trends(request):
    plan = plan_for_request(request)
    period = _as_of(request, plan)
    data = trends_for_user(user=request.user, plan=plan, period=period)
    chart = {
        "periods": data["periods"],
        "city": {
            "name": _("全市"),
            "rate": [p["rate"] for p in data["city"]["series"]],
            "planned": [p["planned_rate"] for p in data["city"]["series"]],
        },
        "counties": [{"name": c["county"].name, "rate": [p["rate"] for p in c["series"]]} for c in data["counties"]],
        "labels": {"planned": _("计划进度"), "rate": _("累计完成率（%）")},
    }
    return render(
        request,
        "dashboard/trends.html",
        {"plan": plan, "period": period, "periods": plan.periods(), "data": data, "chart": chart},
    )


@require_GET
@login_required
def county_detail(request, code: str):
    return render(request, "dashboard/county_detail.html", county_detail_context(request, code=code))


def county_detail_context(request, *, code: str) -> dict:
    """The county page's context; the clerk's home page is this page with its to-do list on top."""
    if _any_role(request.user).is_field:
        # Inspectors and acceptors work from the inspection pages; a county's reports are not theirs.
        raise PermissionDenied(_("您的角色无权执行该操作。"))
    plan = plan_for_request(request)
    county = county_get_for_user(user=request.user, code=code)
    period = _as_of(request, plan)
    data = county_page_for_user(user=request.user, plan=plan, county=county, period=period)
    chart = {
        "periods": [h["period"] for h in data["history"]],
        "city": {
            "name": county.name,
            "rate": [h["rate_percent"] for h in data["history"]],
            "planned": [h["planned_rate"] for h in data["history"]],
        },
        "counties": [],
        "labels": {"planned": _("计划进度"), "rate": _("累计完成率（%）")},
    }
    return {
        "plan": plan,
        "period": period,
        "periods": plan.periods(),
        "data": data,
        "county": county,
        "chart": chart,
        "inspections": [r for r in inspection_summary(user=request.user, plan=plan) if r["county"].pk == county.pk],
        "visit_findings": VisitFinding.choices,
        # The county's target changes (the notice above its figures), newest first.
        "target_adjustments": data["adjustments"],
        "hardship": hardship_sentence(
            hardship_line(plan=plan, period=period, county=county, type_ids=scope_for_user(request.user).type_ids)
        ),
        "may_see_hardship": ReadsHardship.allows(request.user),
    }


@require_GET
@login_required
def bulletin_page(request):
    scope = _any_role(request.user)
    plan = plan_for_request(request)
    period = _as_of(request, plan)
    if request.GET.get("format") == "docx":
        return bulletin_docx(request=request, plan=plan, period=period)
    data = bulletin(plan=plan, period=period)
    return render(
        request,
        "dashboard/bulletin.html",
        {
            "plan": plan,
            "period": period,
            "periods": plan.periods(),
            "data": data,
            "own_county_id": scope.county_id,
            "document_number": document_number_find(plan=plan, kind=DocumentKind.BULLETIN, subject=period),
            "may_number": CityOfficeOnly.allows(request.user),
            "inspections": inspection_summary_public(plan=plan),
            "visit_findings": VisitFinding.choices,
            "hardship": hardship_sentence(hardship_line(plan=plan, period=period)),
        },
    )


@require_GET
@page_permission(ProgressReaders)
def years_page(request):
    """Year on year: each county's and the city's targets, completions and rates per plan year."""
    grid = years_grid(years_progress_for_user(user=request.user))
    return render(request, "dashboard/years.html", {"grid": grid})
