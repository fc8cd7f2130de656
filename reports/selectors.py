"""Reads of reports and progress. All report scoping lives here (``reports_for_user``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from counties.models import Plan
from counties.selectors import scope_for_user
from reports.models import Report, ReportAction, ReportLine, ReportStatus


def reports_for_user(*, user) -> QuerySet[Report]:
    """Every report the user may read.

    - city office, finance, admin: all;
    - department: every county report (its lines are narrowed to the department's types by
      ``lines_for_user``) and its own department reports;
    - county clerk: its own county's reports;
    - inspectors, acceptors and anyone else: none.
    """
    scope = scope_for_user(user)
    queryset = Report.objects.select_related("plan", "county")
    if scope.role is None or scope.is_field:
        return queryset.none()
    if scope.is_clerk:
        return queryset.filter(county_id=scope.county_id)
    if scope.role == "department":
        from django.db.models import Q

        return queryset.filter(Q(county__isnull=False) | Q(department=scope.department_name))
    return queryset


def report_get_for_user(*, user, pk) -> Report:
    try:
        return reports_for_user(user=user).get(pk=int(pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该月报。")) from None


def report_lines_for_user(*, user) -> QuerySet[ReportLine]:
    """Report lines of the retrofit types the user may see (a department: its own types)."""
    scope = scope_for_user(user)
    lines = ReportLine.objects.select_related("retrofit_type")
    if scope.type_ids is not None:
        lines = lines.filter(retrofit_type_id__in=scope.type_ids)
    return lines


def lines_for_user(*, user, report: Report) -> QuerySet[ReportLine]:
    return report_lines_for_user(user=user).filter(report=report)


def own_reports_for_user(*, user) -> QuerySet[Report]:
    """The reports the user files itself: a clerk its county's, a department its own; none otherwise."""
    scope = scope_for_user(user)
    reports = reports_for_user(user=user)
    if scope.is_clerk:
        return reports.filter(county_id=scope.county_id)
    if scope.role == "department":
        return reports.filter(county__isnull=True, department=scope.department_name)
    return reports.none()


@dataclass(frozen=True)
class Units:
    households: int = 0
    area_m2: Decimal = Decimal("0")


def report_units(
    *,
    plan: Plan,
    period: str,
    statuses=(ReportStatus.APPROVED,),
    county_ids=None,
    type_ids=None,
    only_period: bool = False,
) -> dict[tuple[int, int, str], Units]:
    """Units reported per (county id, retrofit type id, area class), summed in the database.

    ``period`` is inclusive: reports for that month and every earlier one (or only that month with
    ``only_period``). Official progress uses approved reports only; pass
    ``statuses=(ReportStatus.SUBMITTED,)`` for the pending figures. One query.
    """
    lines = ReportLine.objects.filter(
        report__plan=plan, report__status__in=list(statuses), report__county__isnull=False
    )
    lines = lines.filter(report__period=period) if only_period else lines.filter(report__period__lte=period)
    if county_ids is not None:
        lines = lines.filter(report__county_id__in=county_ids)
    if type_ids is not None:
        lines = lines.filter(retrofit_type_id__in=type_ids)
    rows = lines.values("report__county_id", "retrofit_type_id", "area_class").annotate(
        households=Sum("households"), area_m2=Sum("area_m2")
    )
    return {
        (row["report__county_id"], row["retrofit_type_id"], row["area_class"]): Units(
            households=row["households"] or 0, area_m2=row["area_m2"] or Decimal("0")
        )
        for row in rows
    }


RATE_PLACES = Decimal("0.0001")
HOUSEHOLD_PLACES = Decimal("0.01")


def completion_rate(completed, target) -> Decimal | None:
    """完成率 = cumulative ÷ target, 4 decimal places; None where there is no target."""
    if not target:
        return None
    return (Decimal(completed) / Decimal(target)).quantize(RATE_PLACES)


# Pages show a percentage to one place (pct_points). It must be rounded once, from the exact ratio:
# 1200 of 1636 is 73.3496…%, so 73.3%, never 0.7335 → 73.35 → 73.4%. Eight places keep every ratio of
# counts below ten million clear of a rounding boundary.
PERCENT_PLACES = Decimal("0.00000001")


def percent_of(part, whole) -> Decimal | None:
    """``part`` of ``whole`` as a percentage from the exact ratio; None where there is no ``whole``."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_PLACES)


def to_households(units: Units, *, is_area: bool, m2_per_household: Decimal):
    """Households a line counts for: m² types convert at the plan's m² per household."""
    if is_area:
        value = (units.area_m2 / m2_per_household).quantize(HOUSEHOLD_PLACES)
        return int(value) if value == value.to_integral_value() else value
    return units.households


def _cell(target_households, approved: Units, pending: Units, *, is_area: bool, m2: Decimal, target_m2=None) -> dict:
    completed = to_households(approved, is_area=is_area, m2_per_household=m2)
    pending_h = to_households(pending, is_area=is_area, m2_per_household=m2)
    cell = {
        "target": target_households,
        "completed": completed,
        "pending": pending_h,
        "rate": completion_rate(completed, target_households),
    }
    if is_area:
        cell.update(
            {
                "target_m2": target_m2 if target_m2 is not None else Decimal(target_households) * m2,
                "completed_m2": approved.area_m2,
                "pending_m2": pending.area_m2,
            }
        )
    return cell


def _add(a: Units, b: Units) -> Units:
    return Units(households=a.households + b.households, area_m2=a.area_m2 + b.area_m2)


def progress_table(*, plan: Plan, period: str, user=None, scope=None, county_ids=None) -> dict:
    """Target, approved cumulative, pending and rate per county × type up to ``period``.

    Scoped by ``scope_for_user(user)``: a clerk gets its own county, a department its own types.
    The bulletin passes ``scope=PUBLIC_SCOPE`` instead: the plan's city-wide figures are public.
    A bounded number of queries (counties, types, targets, approved, pending) whatever the size.
    """
    from counties.models import County
    from counties.selectors import plan_types, targets_in_force

    scope = scope if scope is not None else scope_for_user(user)
    types = [t for t in plan_types(plan=plan) if scope.type_ids is None or t.pk in scope.type_ids]
    type_ids = [t.pk for t in types]
    counties = County.objects.filter(targets__plan=plan).distinct().order_by("order", "code")
    if scope.county_ids is not None:
        counties = counties.filter(pk__in=scope.county_ids)
    if county_ids is not None:
        counties = counties.filter(pk__in=county_ids)
    counties = list(counties)
    visible = [c.pk for c in counties]
    # The targets in force in ``period``: a later adjustment never changes an earlier month's figures.
    targets = targets_in_force(plan=plan, period=period, county_ids=visible, type_ids=type_ids)
    approved = report_units(plan=plan, period=period, county_ids=visible, type_ids=type_ids)
    pending = report_units(
        plan=plan, period=period, county_ids=visible, type_ids=type_ids, statuses=(ReportStatus.SUBMITTED,)
    )
    m2 = plan.m2_per_household
    empty = Units()
    rows = []
    type_totals = {
        t.code: {"approved": Units(), "pending": Units(), "target": 0, "target_m2": Decimal(0)} for t in types
    }
    for county in counties:
        cells = {}
        for t in types:
            approved_units = empty
            pending_units = empty
            for area_class in ("urban", "rural"):
                approved_units = _add(approved_units, approved.get((county.pk, t.pk, area_class), empty))
                pending_units = _add(pending_units, pending.get((county.pk, t.pk, area_class), empty))
            target, target_m2 = targets.get((county.pk, t.pk), (0, None))
            cells[t.code] = _cell(target, approved_units, pending_units, is_area=t.is_area, m2=m2, target_m2=target_m2)
            totals = type_totals[t.code]
            totals["approved"] = _add(totals["approved"], approved_units)
            totals["pending"] = _add(totals["pending"], pending_units)
            totals["target"] += target
            totals["target_m2"] += target_m2 if target_m2 is not None else Decimal(target) * m2
        rows.append({"county": county, "types": cells, "total": _sum_cells(cells.values())})
    total_cells = {
        t.code: _cell(
            type_totals[t.code]["target"],
            type_totals[t.code]["approved"],
            type_totals[t.code]["pending"],
            is_area=t.is_area,
            m2=m2,
            target_m2=type_totals[t.code]["target_m2"],
        )
        for t in types
    }
    return {
        "plan": plan,
        "period": period,
        "types": types,
        "rows": rows,
        "totals": {"types": total_cells, "total": _sum_cells(total_cells.values())},
    }


def _sum_cells(cells) -> dict:
    cells = list(cells)
    target = sum(c["target"] for c in cells)
    completed = sum((c["completed"] for c in cells), 0)
    pending = sum((c["pending"] for c in cells), 0)
    return {"target": target, "completed": completed, "pending": pending, "rate": completion_rate(completed, target)}


def report_sheet(*, user, plan: Plan, county, period: str, report: Report | None = None) -> list[dict]:
    """What the clerk's form and the report page show, per retrofit type (visible to the user):

    target, approved cumulative before this month, this month (per area class), cumulative after,
    completion rate, and whether it is above the target (a warning for the reviewer).
    Four queries whatever the number of types.
    """
    from counties.models import AreaClass
    from counties.selectors import plan_types, targets_in_force
    from reports.periods import previous_period

    scope = scope_for_user(user)
    types = [t for t in plan_types(plan=plan) if scope.type_ids is None or t.pk in scope.type_ids]
    in_force = targets_in_force(plan=plan, period=period, county_ids=[county.pk])
    targets = {type_id: value[0] for (_county_id, type_id), value in in_force.items()}
    before = report_units(plan=plan, period=previous_period(period), county_ids=[county.pk])
    current = {}
    if report is not None:
        current = {(line.retrofit_type_id, line.area_class): line for line in report.lines.all()}
    m2 = plan.m2_per_household
    sheet = []
    for t in types:
        cells = []
        before_total = Units()
        month_total = Units()
        for area_class, label in AreaClass.choices:
            prior = before.get((county.pk, t.pk, area_class), Units())
            line = current.get((t.pk, area_class))
            month = Units(households=line.households, area_m2=line.area_m2) if line else Units()
            before_total = _add(before_total, prior)
            month_total = _add(month_total, month)
            cells.append(
                {
                    "area_class": area_class,
                    "area_label": label,
                    "before": prior.area_m2 if t.is_area else prior.households,
                    "month": month.area_m2 if t.is_area else month.households,
                }
            )
        target = targets.get(t.pk, 0)
        before_h = to_households(before_total, is_area=t.is_area, m2_per_household=m2)
        after_h = to_households(_add(before_total, month_total), is_area=t.is_area, m2_per_household=m2)
        sheet.append(
            {
                "type": t,
                "target": target,
                "target_m2": Decimal(target) * m2 if t.is_area else None,
                "m2_per_household": m2,
                "cells": cells,
                "before": before_h,
                "after": after_h,
                "rate": completion_rate(after_h, target),
                "percent": percent_of(after_h, target),
                "over_target": after_h > target,
                "far_over_target": after_h > Decimal(target) * Decimal("1.5"),
            }
        )
    return sheet


def report_events_for_user(*, user, report: Report) -> list:
    """A report's audit trail as the user may see it.

    Whoever may read the report reads its history, narrowed like its lines: a department sees the
    line changes of its own retrofit types only (line keys are ``type_code/area_class``), and an
    edit whose every change was of other types is left out, since even its existence tells what
    another department's figures did. Text changes (narrative, problems) stay: the department reads
    the report's texts anyway. The events are copies with filtered ``changes``; never save them.
    """
    events = list(report.events.select_related("actor").order_by("at", "pk"))
    scope = scope_for_user(user)
    if scope.type_ids is None:
        return events
    from counties.models import RetrofitType

    own_codes = set(RetrofitType.objects.filter(pk__in=scope.type_ids).values_list("code", flat=True))
    visible = []
    for event in events:
        changes = dict(event.changes or {})
        lines = changes.pop("lines", None)
        if lines:
            own = {key: value for key, value in lines.items() if key.split("/", 1)[0] in own_codes}
            if own:
                changes["lines"] = own
            elif event.action == ReportAction.EDIT and not changes:
                continue
        event.changes = changes
        visible.append(event)
    return visible


def report_unchanged_since_return(*, report: Report) -> bool:
    """A returned report nobody has edited since it was returned: resubmitting it sends the reviewer
    what they already refused, which may be meant (the return was a misunderstanding) or an oversight,
    so the page asks rather than refuses. Edits are events; a save that changed nothing records none."""
    if report.status != ReportStatus.RETURNED:
        return False
    returned = report.events.filter(action=ReportAction.RETURN).order_by("-pk").values_list("pk", flat=True).first()
    if returned is None:
        return False
    return not report.events.filter(action=ReportAction.EDIT, pk__gt=returned).exists()


def report_abilities(*, user, report: Report) -> dict:
    """What the page may offer this user for this report (the services enforce the same rules)."""
    scope = scope_for_user(user)
    if report.county_id is not None:
        owner = scope.is_clerk and scope.county_id == report.county_id
    else:
        owner = scope.role == "department" and scope.department_name == report.department
    editable = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    return {
        "owner": owner,
        "edit": owner and editable,
        "submit": owner and editable,
        "approve": scope.is_city_office and report.status == ReportStatus.SUBMITTED,
        "return": scope.is_city_office and report.status == ReportStatus.SUBMITTED,
        "reopen": scope.is_city_office and report.status == ReportStatus.APPROVED,
    }


def periods_open_for_user(*, user, plan: Plan, today=None) -> list[str]:
    """Months the user could start a report for: begun, inside the plan, not reported yet."""
    from reports.periods import current_period

    scope = scope_for_user(user)
    existing = Report.objects.filter(plan=plan)
    if scope.is_clerk:
        existing = existing.filter(county_id=scope.county_id)
    elif scope.role == "department":
        existing = existing.filter(county__isnull=True, department=scope.department_name)
    else:
        return []
    taken = set(existing.values_list("period", flat=True))
    now = current_period(today)
    return [p for p in plan.periods() if p <= now and p not in taken]
