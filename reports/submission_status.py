"""Who reported when: the status grid (counties × months) and one month's facts for the bulletin.

Completeness and timeliness per month; a cell's state comes from ``reports.states.report_state``.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from counties.models import County, Plan
from counties.selectors import counties_for_user
from reports.models import Report
from reports.selectors import completion_rate, percent_of, reports_for_user
from reports.states import REPORT_STATE_FIELDS, CellState, report_state


def _month_stats(states: list[CellState], expected: int) -> dict:
    submitted = sum(1 for s in states if s.reported)
    on_time = sum(1 for s in states if s.reported and not s.late)
    return {
        "expected": expected,
        "submitted": submitted,
        "on_time": on_time,
        "late": submitted - on_time,
        "missing": sum(1 for s in states if s.code == "missing"),
        "completeness": completion_rate(submitted, expected),
        "timeliness": completion_rate(on_time, expected),
        "completeness_percent": percent_of(submitted, expected),
        "timeliness_percent": percent_of(on_time, expected),
    }


def _status_rows(*, counties: list[County], reports, periods: list[str], today: date, plan: Plan) -> dict:
    by_key = {(r["county_id"], r["period"]): r for r in reports}
    rows = []
    columns: dict[str, list[CellState]] = {p: [] for p in periods}
    for county in counties:
        cells = []
        for period in periods:
            state = report_state(by_key.get((county.pk, period)), period=period, today=today, plan=plan)
            cells.append({"period": period, "state": state})
            columns[period].append(state)
        rows.append({"county": county, "cells": cells})
    months = [{"period": p, **_month_stats(columns[p], len(counties))} for p in periods]
    return {"periods": periods, "rows": rows, "months": months}


def status_grid_for_user(*, user, plan: Plan, today: date | None = None) -> dict:
    """Counties × months: each cell's state; per month completeness and timeliness.

    completeness = reports ever submitted ÷ counties expected to report; timeliness = first
    submitted by the month's last day ÷ expected. Two queries (counties, reports).
    """
    today = today or timezone.localdate()
    counties = list(counties_for_user(user=user).filter(files_reports=True).order_by("order", "code"))
    reports = (
        reports_for_user(user=user)
        .filter(plan=plan, county_id__in=[c.pk for c in counties])
        .values(*REPORT_STATE_FIELDS)
    )
    return _status_rows(counties=counties, reports=reports, periods=plan.periods(), today=today, plan=plan)


def public_month_status(*, plan: Plan, period: str, today: date | None = None) -> dict:
    """Who reported for ``period`` and when: the facts a bulletin names, never a report's content."""
    today = today or timezone.localdate()
    counties = list(County.objects.filter(files_reports=True).order_by("order", "code"))
    reports = Report.objects.filter(plan=plan, county__isnull=False, period=period).values(*REPORT_STATE_FIELDS)
    grid = _status_rows(counties=counties, reports=reports, periods=[period], today=today, plan=plan)
    month = grid["months"][0]
    month["late_counties"] = [r["county"] for r in grid["rows"] if r["cells"][0]["state"].late]
    month["missing_counties"] = [r["county"] for r in grid["rows"] if r["cells"][0]["state"].code == "missing"]
    # Before the deadline: counties that have not submitted yet but still may in time.
    month["unsubmitted_counties"] = [
        r["county"] for r in grid["rows"] if r["cells"][0]["state"].code in ("draft", "not_due")
    ]
    return month
