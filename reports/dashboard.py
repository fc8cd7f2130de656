"""Reads for the city dashboard, submission status grid, trends, county page and monthly bulletin.

Everything here builds on ``reports.selectors.progress_table`` / ``report_units`` and on the scoping
of ``counties.selectors.scope_for_user``; each function runs a fixed number of queries whatever the
number of counties, months or reports (sums are done by the database, Python only walks the
county × month cells).

The straight-line schedule runs from the plan's issue date (``document_date``) to its deadline:
at the end of a month the plan expects ``target × elapsed days ÷ total days`` to be done.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from counties.models import AreaClass, County, Plan
from counties.selectors import (
    PUBLIC_SCOPE,
    households_over_periods,
    target_adjustments,
    targets_over_periods,
)
from reports.models import ReportLine, ReportStatus
from reports.periods import period_deadline
from reports.selectors import (
    PERCENT_PLACES,
    Units,
    completion_rate,
    percent_of,
    progress_table,
    report_units,
    reports_for_user,
    to_households,
)
from reports.states import REPORT_STATE_FIELDS, report_state
from reports.submission_status import public_month_status

RATE_PLACES = Decimal("0.0001")
ONE = Decimal("1")

# How far behind the straight-line schedule a cell is, in percentage points of its target.
LEVELS = (
    # (level, behind by at most)
    ("ahead", Decimal("0")),
    ("slight", Decimal("0.10")),
    ("behind", Decimal("0.25")),
)
FAR_BEHIND = "far"
# Beyond ten years a projected date is meaningless: shown as "no projection".
MAX_PROJECTION_DAYS = 3650


# --- schedule ---------------------------------------------------------------------------------


def schedule_fraction(*, plan: Plan, period: str) -> Decimal:
    """Share of the target the straight-line plan expects done by the end of ``period`` (0 … 1)."""
    total_days = (plan.deadline - plan.document_date).days
    if total_days <= 0:
        return ONE
    elapsed = (min(period_deadline(period), plan.deadline) - plan.document_date).days
    elapsed = max(0, min(elapsed, total_days))
    # Unrounded (28 significant digits), so that planned households are exact; display rounds.
    return Decimal(elapsed) / Decimal(total_days)


def schedule_level(*, rate: Decimal | None, expected: Decimal) -> str:
    """ahead / slight / behind / far, or "none" where there is no target."""
    if rate is None:
        return "none"
    gap = expected - rate
    for level, limit in LEVELS:
        if gap <= limit:
            return level
    return FAR_BEHIND


def _annotate_schedule(cell: dict, fraction: Decimal) -> dict:
    expected = (Decimal(cell["target"]) * fraction).quantize(ONE, rounding=ROUND_HALF_UP)
    cell["expected"] = int(expected)
    gap = expected - Decimal(cell["completed"])
    cell["gap"] = int(gap.quantize(ONE, rounding=ROUND_HALF_UP)) if gap > 0 else 0
    cell["level"] = schedule_level(rate=cell["rate"], expected=fraction)
    cell["percent"] = percent_of(cell["completed"], cell["target"])
    return cell


def _annotate_table(table: dict, fraction: Decimal) -> dict:
    for row in table["rows"]:
        for cell in row["types"].values():
            _annotate_schedule(cell, fraction)
        _annotate_schedule(row["total"], fraction)
    for cell in table["totals"]["types"].values():
        _annotate_schedule(cell, fraction)
    _annotate_schedule(table["totals"]["total"], fraction)
    table["fraction"] = fraction
    table["expected_percent"] = _percent(fraction)
    return table


# --- dashboard --------------------------------------------------------------------------------


def dashboard_for_user(*, user, plan: Plan, period: str) -> dict:
    """The annex table with completed / pending / rate and schedule colouring, scoped to the user.

    Also the map figures (rate per county). Same queries as ``progress_table``.
    """
    table = _annotate_table(
        progress_table(user=user, plan=plan, period=period), schedule_fraction(plan=plan, period=period)
    )
    table["map"] = [
        {
            "code": row["county"].code,
            "name": row["county"].name,
            "target": row["total"]["target"],
            "completed": row["total"]["completed"],
            "pending": row["total"]["pending"],
            "rate": row["total"]["percent"],
            "expected": _percent(table["fraction"]),
        }
        for row in table["rows"]
    ]
    return table


def _percent(fraction: Decimal | None) -> Decimal | None:
    """An exact fraction (the schedule's) as a percentage, for pages and charts."""
    if fraction is None:
        return None
    return (fraction * 100).quantize(PERCENT_PLACES)




def public_progress(*, plan: Plan, period: str) -> dict:
    return _annotate_table(
        progress_table(scope=PUBLIC_SCOPE, plan=plan, period=period), schedule_fraction(plan=plan, period=period)
    )


# --- trends -----------------------------------------------------------------------------------


def _monthly_completed(*, plan: Plan, period: str, county_ids, type_ids, area_type_ids) -> dict:
    """Approved households completed per (county id, period), area types converted. One query."""
    lines = (
        ReportLine.objects.filter(
            report__plan=plan,
            report__status=ReportStatus.APPROVED,
            report__county_id__in=county_ids,
            report__period__lte=period,
            retrofit_type_id__in=type_ids,
        )
        .values("report__county_id", "report__period", "retrofit_type_id")
        .annotate(households=Sum("households"), area_m2=Sum("area_m2"))
    )
    result: dict[tuple[int, str], object] = {}
    for row in lines:
        units = Units(households=row["households"] or 0, area_m2=row["area_m2"] or Decimal("0"))
        value = to_households(
            units, is_area=row["retrofit_type_id"] in area_type_ids, m2_per_household=plan.m2_per_household
        )
        key = (row["report__county_id"], row["report__period"])
        result[key] = result.get(key, 0) + value
    return result


def projection(*, plan: Plan, period: str, target, completed) -> dict:
    """When the target is reached at the pace so far (completed ÷ days since the plan was issued).

    ``misses`` is true when that date is after the deadline (or the pace is zero); ``gap`` is the
    households still missing at the deadline at that pace.
    """
    as_of = min(period_deadline(period), plan.deadline)
    elapsed = (as_of - plan.document_date).days
    total_days = (plan.deadline - plan.document_date).days
    completed = Decimal(completed)
    target = Decimal(target)
    if target <= 0:
        return {"date": None, "done": False, "misses": False, "gap": 0, "at_deadline": 0, "no_target": True}
    if completed >= target:
        return {"date": None, "done": True, "misses": False, "gap": 0, "at_deadline": int(target), "no_target": False}
    if completed <= 0 or elapsed <= 0:
        return {
            "date": None,
            "done": False,
            "misses": True,
            "gap": int(target),
            "at_deadline": 0,
            "no_target": False,
        }
    days_needed = math.ceil(target * elapsed / completed)
    if days_needed > MAX_PROJECTION_DAYS:
        # Pace so slow that the date means nothing (and would overflow): no date, misses.
        at_deadline = completed * total_days / elapsed
        return {
            "date": None,
            "done": False,
            "misses": True,
            "gap": int((target - at_deadline).quantize(ONE, rounding=ROUND_HALF_UP)),
            "at_deadline": int(at_deadline.quantize(ONE, rounding=ROUND_HALF_UP)),
            "no_target": False,
        }
    at_deadline = min(target, completed * total_days / elapsed)
    gap = (target - at_deadline).quantize(ONE, rounding=ROUND_HALF_UP)
    projected = plan.document_date + timedelta(days=days_needed)
    return {
        "date": projected,
        "done": False,
        "misses": projected > plan.deadline,
        "gap": int(gap) if projected > plan.deadline else 0,
        "at_deadline": int(at_deadline.quantize(ONE, rounding=ROUND_HALF_UP)),
        "no_target": False,
    }


def trends_for_user(*, user, plan: Plan, period: str) -> dict:
    """Cumulative completion per month for the city and each visible county against the straight line,
    with a projected completion date; counties projected to miss the deadline first, by gap.

    The progress table's queries plus two (monthly figures, the targets in force month by month).
    """
    table = _annotate_table(
        progress_table(user=user, plan=plan, period=period), schedule_fraction(plan=plan, period=period)
    )
    periods = [p for p in plan.periods() if p <= period]
    county_ids = [row["county"].pk for row in table["rows"]]
    type_ids = [t.pk for t in table["types"]]
    area_ids = {t.pk for t in table["types"] if t.is_area}
    monthly = _monthly_completed(
        plan=plan, period=period, county_ids=county_ids, type_ids=type_ids, area_type_ids=area_ids
    )
    fractions = [schedule_fraction(plan=plan, period=p) for p in periods]
    # Each month's point against the targets in force in that month (an adjustment moves later points only).
    in_force = targets_over_periods(plan=plan, periods=periods, county_ids=county_ids, type_ids=type_ids)

    def month_targets(county_pks) -> list[int]:
        wanted = set(county_pks)
        return [sum(h for (c, _t), h in in_force[p].items() if c in wanted) for p in periods]

    def series(targets, month_values):
        cumulative = 0
        points = []
        for p, fraction, value, target in zip(periods, fractions, month_values, targets, strict=True):
            cumulative += value
            points.append(
                {
                    "period": p,
                    "month": value,
                    "cumulative": cumulative,
                    "planned": int((Decimal(target) * fraction).quantize(ONE, rounding=ROUND_HALF_UP)),
                    "rate": percent_of(cumulative, target),
                    "planned_rate": _percent(fraction),
                }
            )
        return points

    counties = []
    city_months = [0] * len(periods)
    for row in table["rows"]:
        values = [monthly.get((row["county"].pk, p), 0) for p in periods]
        city_months = [a + b for a, b in zip(city_months, values, strict=True)]
        target = row["total"]["target"]
        counties.append(
            {
                "county": row["county"],
                "total": row["total"],
                "series": series(month_targets([row["county"].pk]), values),
                "projection": projection(plan=plan, period=period, target=target, completed=row["total"]["completed"]),
            }
        )
    city_total = table["totals"]["total"]
    counties.sort(key=_projection_sort_key)
    return {
        "plan": plan,
        "period": period,
        "periods": periods,
        "types": table["types"],
        "city": {
            "total": city_total,
            "series": series(month_targets(county_ids), city_months),
            "projection": projection(
                plan=plan, period=period, target=city_total["target"], completed=city_total["completed"]
            ),
        },
        "counties": counties,
        "missing_deadline": [c for c in counties if c["projection"]["misses"]],
    }


def _projection_sort_key(item: dict):
    p = item["projection"]
    if p["misses"]:
        return (0, -p["gap"], item["county"].order)
    if p["done"] or p["no_target"]:
        return (2, 0, item["county"].order)
    return (1, p["date"].toordinal(), item["county"].order)


# --- county page ------------------------------------------------------------------------------


def county_page_for_user(*, user, plan: Plan, county: County, period: str) -> dict:
    """A county's targets, progress per type and area class, monthly history and its reports.

    The caller has already checked the county is visible (``county_get_for_user``); types are
    narrowed to the user's. A fixed number of queries.
    """
    table = _annotate_table(
        progress_table(user=user, plan=plan, period=period, county_ids=[county.pk]),
        schedule_fraction(plan=plan, period=period),
    )
    types = table["types"]  # the plan's types the user may see
    type_ids = [t.pk for t in types]
    row = table["rows"][0] if table["rows"] else None
    approved = report_units(plan=plan, period=period, county_ids=[county.pk], type_ids=type_ids)
    pending = report_units(
        plan=plan, period=period, county_ids=[county.pk], type_ids=type_ids, statuses=(ReportStatus.SUBMITTED,)
    )
    m2 = plan.m2_per_household
    by_type = []
    for t in types:
        classes = []
        for area_class, label in AreaClass.choices:
            a = approved.get((county.pk, t.pk, area_class), Units())
            p = pending.get((county.pk, t.pk, area_class), Units())
            classes.append(
                {
                    "area_class": area_class,
                    "label": label,
                    "completed": to_households(a, is_area=t.is_area, m2_per_household=m2),
                    "completed_m2": a.area_m2 if t.is_area else None,
                    "pending": to_households(p, is_area=t.is_area, m2_per_household=m2),
                }
            )
        cell = row["types"][t.code] if row else None
        by_type.append({"type": t, "cell": cell, "classes": classes})

    periods = plan.periods()
    monthly = _monthly_completed(
        plan=plan,
        period=periods[-1],
        county_ids=[county.pk],
        type_ids=type_ids,
        area_type_ids={t.pk for t in types if t.is_area},
    )
    reports = list(
        reports_for_user(user=user).filter(plan=plan, county=county).order_by("period").values(*REPORT_STATE_FIELDS)
    )
    by_period = {r["period"]: r for r in reports}
    target = row["total"]["target"] if row else 0
    # Each month against the target in force then; the adjustments are also the page's notice.
    adjustments = list(target_adjustments(plan=plan, county_id=county.pk))
    month_targets = households_over_periods(
        periods=periods,
        current={(county.pk, t.pk): row["types"][t.code]["target"] for t in types} if row else {},
        adjustments=adjustments,
    )
    today = timezone.localdate()
    history = []
    cumulative = 0
    for p in periods:
        value = monthly.get((county.pk, p), 0)
        cumulative += value
        fraction = schedule_fraction(plan=plan, period=p)
        target = sum(month_targets[p].values())
        history.append(
            {
                "period": p,
                "month": value,
                "cumulative": cumulative,
                "planned": int((Decimal(target) * fraction).quantize(ONE, rounding=ROUND_HALF_UP)),
                "rate": completion_rate(cumulative, target),
                "rate_percent": percent_of(cumulative, target),
                "planned_rate": _percent(fraction),
                "state": report_state(by_period.get(p), period=p, today=today, plan=plan) if county.files_reports else None,
                "current": p == period,
            }
        )
    return {
        "county": county,
        "plan": plan,
        "period": period,
        "types": types,
        "row": row,
        "by_type": by_type,
        "history": history,
        "reports": [{**r, "state": report_state(r, period=r["period"], today=today, plan=plan)} for r in reversed(reports)],
        "projection": projection(
            plan=plan, period=period, target=row["total"]["target"], completed=row["total"]["completed"]
        )
        if row
        else None,
        "adjustments": adjustments,
    }


# --- bulletin ---------------------------------------------------------------------------------


def bulletin(*, plan: Plan, period: str, today: date | None = None) -> dict:
    """The monthly bulletin (通报): public, the same for every reader.

    City totals and rate per type, counties ranked by completion rate, the month's late and
    missing reports, counties behind the straight-line schedule.
    """
    table = public_progress(plan=plan, period=period)
    ranking = sorted(
        table["rows"],
        key=lambda r: (-(r["total"]["rate"] if r["total"]["rate"] is not None else Decimal("-1")), r["county"].order),
    )
    ranked = []
    previous_rate = object()
    rank = 0
    for position, row in enumerate(ranking, start=1):
        if row["total"]["rate"] != previous_rate:
            rank = position
            previous_rate = row["total"]["rate"]
        ranked.append({"rank": rank, **row})
    behind = [r for r in ranked if r["total"]["level"] in ("behind", FAR_BEHIND)]
    behind.sort(key=lambda r: -r["total"]["gap"])
    return {
        "plan": plan,
        "period": period,
        "table": table,
        "ranking": ranked,
        "behind": behind,
        "month": public_month_status(plan=plan, period=period, today=today),
        "fraction": table["fraction"],
    }
