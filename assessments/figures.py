"""Each county's raw figures and points, computed from the records as of a date.

A bounded number of queries whatever the roster's size (counted in tests): the roster is read through
``households.RosterSummary``, reports and events are grouped in the database, and nothing is read per
household. What each indicator counts:

* completion: approved report lines of months up to the as-of month; targets in force in that month.
* timeliness: the county's months whose deadline is on or before the as-of date; a month is on time
  when its report was first submitted (a draft is not a submission) by its deadline.
* data_quality: 退回 events on the county's reports up to the as-of date.
* inspection: households visited in field inspections (抽查, with a finding) up to the as-of date, and
  those of them found 改而不用 or 燃煤复烧.
* rectification: rectifications opened by the as-of date that were due by then or are closed; closed
  in time = closed on or before both the deadline and the as-of date.
* acceptance: the roster as it stands (完工、验收、拨付 households; accepted = 验收 and 拨付).
* funds: county-level money due as of the as-of month (retrofit county share and grid support) and
  county-level payments dated on or before the as-of date (voided ones excluded).
* air_quality: the city office's entry for the county.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from assessments import rules as R
from assessments.models import AirQuality
from counties.models import County, Plan
from counties.selectors import plan_types, targets_in_force
from households.models import HouseholdStatus, RosterSummary
from inspections.models import RECTIFY_FINDINGS, Rectification, Visit, VisitKind
from reports.models import Report, ReportAction, ReportEvent, ReportStatus
from reports.selectors import percent_of, report_units
from subsidies.models import Level, Payment
from subsidies.selectors import money, payment_compute

COMPLETED = (HouseholdStatus.COMPLETED, HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)
ACCEPTED = (HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)


def assessed_counties(*, plan: Plan) -> list[County]:
    """The counties with a target in the plan that file monthly reports, in the annex's order."""
    return list(County.objects.filter(targets__plan=plan, files_reports=True).distinct().order_by("order", "code"))


def _end_of(day: date) -> datetime:
    """The first instant after ``day`` in the site's time zone (records before it count)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _as_of_period(plan: Plan, as_of: date) -> str:
    """The as-of month, within the plan's reporting months."""
    periods = plan.periods()
    period = as_of.strftime("%Y-%m")
    return min(max(period, periods[0]), periods[-1])


def _completion(plan, counties, period, types):
    ids = [c.pk for c in counties]
    targets = targets_in_force(plan=plan, period=period, county_ids=ids)
    done = report_units(plan=plan, period=period, county_ids=ids)
    result = {}
    for county in counties:
        weighted = Decimal(0)
        weights = 0
        by_type = []
        for t in types:
            households, area_m2 = targets.get((county.pk, t.pk), (0, None))
            if not households:
                continue
            units = [done.get((county.pk, t.pk, ac)) for ac in ("urban", "rural")]
            if t.is_area:
                target = area_m2 if area_m2 is not None else Decimal(households) * plan.m2_per_household
                completed = sum((u.area_m2 for u in units if u), Decimal(0))
            else:
                target = households
                completed = sum(u.households for u in units if u)
            rate = min(Decimal(completed) / Decimal(target), Decimal(1)) if target else Decimal(1)
            weighted += rate * households
            weights += households
            by_type.append(
                {
                    "type": t.code,
                    "name": t.name,
                    "unit": t.unit,
                    "target": R.text(Decimal(target)) if t.is_area else target,
                    "completed": R.text(completed) if t.is_area else completed,
                    "percent": R.text(percent_of(completed, target)),
                }
            )
        rate_percent = percent_of(weighted, weights)
        result[county.pk] = {"percent": rate_percent, "types": by_type}
    return result


def _timeliness(plan, counties, as_of):
    ids = [c.pk for c in counties]
    reports = {
        (r["county_id"], r["period"]): r
        for r in Report.objects.filter(plan=plan, county_id__in=ids).values(
            "pk", "county_id", "period", "status", "submitted_at", "deadline"
        )
    }
    result = {}
    for county in counties:
        due, late, missing = [], [], []
        for period in plan.periods():
            report = reports.get((county.pk, period))
            deadline = (report or {}).get("deadline") or plan.period_deadline(period)
            if deadline > as_of:
                continue
            due.append(period)
            submitted = report["submitted_at"] if report and report["status"] != ReportStatus.DRAFT else None
            if submitted is None or timezone.localdate(submitted) > as_of:
                missing.append(period)
            elif timezone.localdate(submitted) > deadline:
                late.append(period)
        on_time = len(due) - len(late) - len(missing)
        result[county.pk] = {"due": len(due), "on_time": on_time, "late": late, "missing": missing}
    return result


def _returns(plan, counties, as_of):
    rows = (
        ReportEvent.objects.filter(
            report__plan=plan,
            report__county_id__in=[c.pk for c in counties],
            action=ReportAction.RETURN,
            at__lt=_end_of(as_of),
        )
        .values("report__county_id", "report_id", "report__period")
        .annotate(n=Count("pk"))
        .order_by("report__period")
    )
    result: dict[int, dict] = {}
    for row in rows:
        item = result.setdefault(row["report__county_id"], {"returns": 0, "reports": []})
        item["returns"] += row["n"]
        item["reports"].append({"report": row["report_id"], "period": row["report__period"], "times": row["n"]})
    return result


def _inspections(plan, counties, as_of):
    visits = Visit.objects.filter(
        plan=plan,
        county_id__in=[c.pk for c in counties],
        kind=VisitKind.INSPECTION,
        visited_at__lt=_end_of(as_of),
    ).exclude(finding="")
    rows = visits.values("county_id").annotate(
        visited=Count("household_id", distinct=True),
        found=Count("household_id", distinct=True, filter=Q(finding__in=RECTIFY_FINDINGS)),
    )
    return {r["county_id"]: {"visited": r["visited"], "found": r["found"]} for r in rows}


def _rectifications(plan, counties, as_of):
    end = _end_of(as_of)
    rows = (
        Rectification.objects.filter(plan=plan, county_id__in=[c.pk for c in counties], opened_at__lt=end)
        .filter(Q(deadline__lte=as_of) | Q(closed_at__lt=end))
        .values("county_id", "deadline", "closed_at", "pk")
    )
    result: dict[int, dict] = {}
    for row in rows:
        item = result.setdefault(row["county_id"], {"due": 0, "in_time": 0, "overdue": []})
        item["due"] += 1
        closed = row["closed_at"]
        if closed is not None and closed < end and timezone.localdate(closed) <= row["deadline"]:
            item["in_time"] += 1
        else:
            item["overdue"].append(row["pk"])
    return result


def _acceptance(plan, counties):
    rows = (
        RosterSummary.objects.filter(plan=plan, county_id__in=[c.pk for c in counties], status__in=COMPLETED)
        .values("county_id")
        .annotate(completed=Sum("households"), accepted=Sum("households", filter=Q(status__in=ACCEPTED)))
    )
    return {r["county_id"]: {"completed": r["completed"] or 0, "accepted": r["accepted"] or 0} for r in rows}


def _funds(plan, counties, period, as_of):
    computed = payment_compute(plan=plan, period=period, counties=counties)
    paid = {
        r["county_id"]: r["total"]
        for r in Payment.objects.filter(
            plan=plan,
            county_id__in=[c.pk for c in counties],
            level=Level.COUNTY,
            voided_at__isnull=True,
            paid_on__lte=as_of,
        )
        .values("county_id")
        .annotate(total=Sum("amount"))
    }
    return {
        row["county"].pk: {
            "due": row["levels"][Level.COUNTY]["due"],
            "paid": money(paid.get(row["county"].pk, 0)),
            "city_share": row["levels"][Level.CITY]["due"],
        }
        for row in computed["rows"]
    }


def _item(indicators: dict, code: str, raw, score: Decimal, detail: dict) -> dict:
    return {
        "code": code,
        "name": str(R.INDICATORS[code]),
        "weight": indicators[code]["weight"],
        # Percentages shown to two places; the points come from the exact ratio (in ``detail``).
        "raw": R.text(R.points(raw)) if isinstance(raw, Decimal) else (None if raw is None else str(raw)),
        "points": R.text(score),
        "detail": detail,
    }


def assessment_compute(*, plan: Plan, rules: dict, as_of: date, adjustments: dict[int, Decimal] | None = None) -> dict:
    """Every county's indicators (raw figures, rule, points), adjustments, total, rank, grade and fund
    coefficient, as the JSON that is shown, stored at publication and frozen at finalisation."""
    adjustments = adjustments or {}
    counties = assessed_counties(plan=plan)
    period = _as_of_period(plan, as_of)
    types = plan_types(plan=plan)
    completion = _completion(plan, counties, period, types)
    timeliness = _timeliness(plan, counties, as_of)
    returns = _returns(plan, counties, as_of)
    inspections = _inspections(plan, counties, as_of)
    rectifications = _rectifications(plan, counties, as_of)
    acceptance = _acceptance(plan, counties)
    funds = _funds(plan, counties, period, as_of)
    air = {a.county_id: a for a in AirQuality.objects.filter(plan=plan)}
    indicators = rules["indicators"]
    rows = []
    for county in counties:
        items = []

        def add(code, raw, score, detail, items=items):
            items.append(_item(indicators, code, raw, score, detail))

        c = completion[county.pk]
        add(
            "completion",
            c["percent"],
            R.completion_points(
                R.weight_of(rules, "completion"), c["percent"], R.decimal(indicators["completion"]["floor"])
            ),
            {"types": c["types"], "floor": indicators["completion"]["floor"]},
        )
        t = timeliness[county.pk]
        add(
            "timeliness",
            percent_of(t["on_time"], t["due"]),
            R.ratio_points(R.weight_of(rules, "timeliness"), t["on_time"], t["due"]),
            t,
        )
        q = returns.get(county.pk, {"returns": 0, "reports": []})
        rule = indicators["data_quality"]
        add(
            "data_quality",
            q["returns"],
            R.deduction_points(
                R.weight_of(rules, "data_quality"), R.decimal(rule["per_return"]) * q["returns"], R.decimal(rule["cap"])
            ),
            q,
        )
        v = inspections.get(county.pk, {"visited": 0, "found": 0})
        share = percent_of(v["found"], v["visited"])
        rule = indicators["inspection"]
        add(
            "inspection",
            share,
            R.deduction_points(
                R.weight_of(rules, "inspection"), R.decimal(rule["per_point"]) * (share or 0), R.decimal(rule["cap"])
            ),
            v,
        )
        r = rectifications.get(county.pk, {"due": 0, "in_time": 0, "overdue": []})
        add(
            "rectification",
            percent_of(r["in_time"], r["due"]),
            R.ratio_points(R.weight_of(rules, "rectification"), r["in_time"], r["due"]),
            r,
        )
        a = acceptance.get(county.pk, {"completed": 0, "accepted": 0})
        add(
            "acceptance",
            percent_of(a["accepted"], a["completed"]),
            R.ratio_points(R.weight_of(rules, "acceptance"), a["accepted"], a["completed"]),
            a,
        )
        f = funds[county.pk]
        add(
            "funds",
            percent_of(f["paid"], f["due"]),
            R.ratio_points(R.weight_of(rules, "funds"), f["paid"], f["due"]),
            {"due": R.text(f["due"]), "paid": R.text(f["paid"])},
        )
        entry = air.get(county.pk)
        met = None
        if entry is not None:
            met = R.air_quality_met(value=entry.value, target=entry.target, better=indicators["air_quality"]["better"])
        add(
            "air_quality",
            R.text(entry.value) if entry else None,
            R.points(R.weight_of(rules, "air_quality") if met else 0),
            {
                "value": R.text(entry.value) if entry else None,
                "target": R.text(entry.target) if entry else None,
                "source": entry.source if entry else "",
                "better": indicators["air_quality"]["better"],
                "met": met,
            },
        )
        adjustment = R.points(adjustments.get(county.pk, 0))
        total = sum((R.decimal(i["points"]) for i in items), Decimal(0)) + adjustment
        rows.append(
            {
                "county": county.code,
                "county_name": county.name,
                "indicators": items,
                "adjustments": R.text(adjustment),
                "total": R.text(R.points(total)),
                "air_met": met,
                "city_share": R.text(f["city_share"]),
            }
        )
    return figures_rank(rules=rules, figures={"as_of": as_of.isoformat(), "period": period, "counties": rows})


def figures_rank(*, rules: dict, figures: dict) -> dict:
    """Rank, grade and fund coefficient of every county from its total (after a change of adjustments
    too: the indicators' points stay as stored)."""
    rows = figures["counties"]
    totals = [R.decimal(r["total"]) for r in rows]
    for row, rank in zip(rows, R.ranks(totals), strict=True):
        grade = R.grade_of(rules, R.decimal(row["total"]))
        coefficient = R.fund_coefficient(rules, grade=grade, air_met=row["air_met"])
        row.update(
            {
                "rank": rank,
                "grade": grade,
                "grade_name": str(R.GRADES[grade]),
                "fund_coefficient": R.text(coefficient),
                "city_share_adjusted": R.text(money(R.decimal(row["city_share"]) * coefficient)),
            }
        )
    return figures


def figures_with_adjustments(
    *, rules: dict, figures: dict, adjustments: dict[int, Decimal], county_ids: dict[str, int]
) -> dict:
    """Stored figures with the adjustments now recorded (accepted objections, 加减分 during 公示)."""
    for row in figures["counties"]:
        adjustment = R.points(adjustments.get(county_ids[row["county"]], 0))
        indicator_points = sum((R.decimal(i["points"]) for i in row["indicators"]), Decimal(0))
        row["adjustments"] = R.text(adjustment)
        row["total"] = R.text(R.points(indicator_points + adjustment))
    return figures_rank(rules=rules, figures=figures)
