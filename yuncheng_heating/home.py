"""What each home page starts with: the user's to-do list (issue 13).

It lives here rather than in an app because it crosses apps (reports, inspections) and ``counties``
must know nothing of reports. Every read goes through the apps' own ``..._for_user`` selectors and
``reports.dashboard.report_state``, the one decision of what counts as reported; each list runs a
fixed number of queries whatever the number of reports or counties.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from counties.models import Plan
from counties.selectors import plans_open
from reports.models import ReportStatus
from reports.periods import current_period, period_deadline
from reports.selectors import own_reports_for_user, reports_for_user

# How many reports waiting for review the city's home lists before "and N more".
REVIEW_LIST_LIMIT = 10


def _open_plans(plan: Plan | None) -> list[Plan]:
    """Every open year (published, not closed), oldest first; the page's own year too if it is open."""
    plans = list(plans_open())
    if plan is not None and not plan.is_draft and not plan.is_closed and plan.pk not in {p.pk for p in plans}:
        plans.append(plan)
        plans.sort(key=lambda p: p.year)
    return plans


def assessment_todo(*, user, plan: Plan | None = None, today: date | None = None) -> list[dict]:
    """The year-end assessments published for objection (公示) in the open years: for the city office
    each with its open objections; for a clerk each whose objection period is still running, with the
    link to its own county's result. One query a year, and one per published assessment (at most one
    a year is open)."""
    from assessments.models import AssessmentStatus
    from assessments.selectors import assessments_for_user, open_objections
    from counties.selectors import scope_for_user

    scope = scope_for_user(user)
    if not (scope.is_city_office or scope.is_clerk):
        return []
    today = today or timezone.localdate()
    items = []
    for year_plan in _open_plans(plan):
        published = assessments_for_user(user=user, plan=year_plan).filter(status=AssessmentStatus.PUBLISHED)
        for assessment in published:
            if scope.is_clerk:
                if assessment.objection_deadline is None or assessment.objection_deadline < today:
                    continue
                url = reverse("assessment-county", args=[year_plan.year, assessment.pk, scope.county_code])
                items.append({"year": year_plan.year, "deadline": assessment.objection_deadline, "url": url})
            else:
                waiting = open_objections(assessment=assessment)
                if waiting:
                    url = reverse("assessment-detail", args=[year_plan.year, assessment.pk])
                    items.append({"year": year_plan.year, "open": waiting, "url": url})
    return items


def filer_todo(*, user, plan: Plan | None = None, today: date | None = None) -> dict:
    """A county clerk's (or a department's) to-do: reports returned to it, with the reviewer's reason;
    months still to file (never opened, or only a draft), oldest first, with the days left or overdue.
    Every open year counts: a 2021 month still owed stays on the list after 2022 is published.

    Two queries: the open years, the user's own reports of them.
    """
    today = today or timezone.localdate()
    plans = _open_plans(plan)
    returned = []
    drafts = {}
    reported = set()
    for report in (
        own_reports_for_user(user=user)
        .filter(plan__in=plans)
        .values("pk", "plan__year", "period", "status", "return_reason", "deadline")
    ):
        year = report["plan__year"]
        if report["status"] == ReportStatus.RETURNED:
            returned.append(
                {
                    "year": year,
                    "period": report["period"],
                    "reason": report["return_reason"],
                    "url": reverse("report-edit", args=[report["pk"]]),
                }
            )
        elif report["status"] == ReportStatus.DRAFT:
            drafts[(year, report["period"])] = report
        reported.add((year, report["period"]))
    # Months that have begun and have no report yet, as ``periods_open_for_user`` offers them.
    now = current_period(today)
    unopened = [(p.year, m) for p in plans for m in p.periods() if m <= now and (p.year, m) not in reported]
    plans_by_year = {p.year: p for p in plans}
    to_file = []
    for year, period in sorted([*drafts, *unopened]):
        draft = drafts.get((year, period))
        deadline = draft["deadline"] if draft else period_deadline(period, plan=plans_by_year[year])
        url = (
            reverse("report-edit", args=[draft["pk"]])
            if draft
            else f"{reverse('report-create')}?plan={year}&period={period}"
        )
        days = (deadline - today).days
        to_file.append(
            {
                "year": year,
                "period": period,
                "deadline": deadline,
                "days_left": days,
                "days_overdue": -days,
                "has_draft": draft is not None,
                "url": url,
            }
        )
    returned.sort(key=lambda item: (item["year"], item["period"]))
    assessments = assessment_todo(user=user, plan=plan, today=today)
    return {
        "kind": "filer",
        "returned": returned,
        "to_file": to_file,
        "assessments": assessments,
        "multi_year": len(plans) > 1,
        "empty": not returned and not to_file and not assessments,
    }


def city_todo(*, user, plan: Plan, today: date | None = None) -> dict:
    """The city office's to-do: reports waiting for review (oldest submission first), counties with
    overdue months (a draft counts as not reported), and rectifications of spot-check findings that
    are open, overdue, or submitted and waiting for the city to close them.

    Four queries: submitted reports, counties and reports for the status grid, rectification counts.
    """
    from inspections.models import RectificationStatus
    from inspections.selectors import OPEN_STATUSES, rectifications_for_user
    from reports.submission_status import status_grid_for_user

    today = today or timezone.localdate()
    # Waiting for review in every open year: a 2021 report stays here after 2022 is published.
    waiting = list(
        reports_for_user(user=user)
        .filter(plan__in=_open_plans(plan), status=ReportStatus.SUBMITTED)
        .order_by("last_submitted_at", "pk")
        .values("pk", "plan__year", "period", "county__name", "department", "last_submitted_at")
    )
    review = [
        {
            "year": r["plan__year"],
            "period": r["period"],
            "filer": r["county__name"] or r["department"],
            "submitted_at": r["last_submitted_at"],
            "url": reverse("report-detail", args=[r["pk"]]),
        }
        for r in waiting
    ]
    grid = status_grid_for_user(user=user, plan=plan, today=today)
    overdue = []
    for row in grid["rows"]:
        months = [c["period"] for c in row["cells"] if c["state"].code == "missing"]
        if months:
            overdue.append({"county": row["county"], "periods": months})
    rects = rectifications_for_user(user=user, plan=plan).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        to_close=Count("pk", filter=Q(status=RectificationStatus.SUBMITTED)),
    )
    return {
        "kind": "city",
        "review": review[:REVIEW_LIST_LIMIT],
        "review_count": len(review),
        "review_more": max(0, len(review) - REVIEW_LIST_LIMIT),
        "overdue": overdue,
        "rectifications": rects,
        "assessments": assessment_todo(user=user, plan=plan, today=today),
        "empty": not review and not overdue and not any(rects.values()),
    }


def finance_todo(*, user, plan: Plan | None = None) -> dict:
    """Finance's to-do: money still owed to counties (due on approved reports, less what was paid),
    per county and paying level; and the settlement still to make for the latest month with figures
    (none yet, or only superseded ones). Every open year, each item with its year; a fixed number of
    queries a year whatever the number of counties."""
    from subsidies.models import Level
    from subsidies.selectors import payment_compute, period_default, settlements_for_user, subsidy_counties_for_user

    labels = dict(Level.choices)
    payments = []
    settles = []
    for year_plan in _open_plans(plan):
        url = reverse("subsidies", args=[year_plan.year])
        period = period_default(plan=year_plan)
        counties = list(subsidy_counties_for_user(user=user, plan=year_plan))
        owed = payment_compute(plan=year_plan, period=period, counties=counties)
        payments += [
            {
                "year": year_plan.year,
                "county": row["county"],
                "level": labels[level],
                "outstanding": cell["outstanding"],
                "url": url,
            }
            for row in owed["rows"]
            for level, cell in row["levels"].items()
            if cell["outstanding"] > 0
        ]
        settled = (
            settlements_for_user(user=user, plan=year_plan).filter(period=period, superseded_by__isnull=True).exists()
        )
        if not settled:
            settles.append({"year": year_plan.year, "period": period, "url": url})
    return {
        "kind": "finance",
        "payments": payments,
        "settles": settles,
        "empty": not payments and not settles,
    }


def field_todo(*, user, plan: Plan | None = None) -> dict:
    """An inspector's households left to visit in the samples assigned to it, or an acceptor's
    households left to accept (completed, in the counties and types it was engaged for), by county;
    every open year, each row with its year."""
    from inspections.selectors import field_households_left

    home = reverse("inspections-home")
    counties = [
        {**row, "year": year_plan.year, "url": f"{home}?plan={year_plan.year}"}
        for year_plan in _open_plans(plan)
        for row in field_households_left(user=user, plan=year_plan)
    ]
    return {
        "kind": "field",
        "counties": counties,
        "total": sum(row["left"] for row in counties),
        "url": home,
        "empty": not counties,
    }
