"""Reads of subsidies: the arithmetic, grid support, payments and settlements, and who may see them.

Every subsidy read goes through ``subsidy_scope`` (built on ``counties.selectors.scope_for_user``):
finance, the city office and administrators see every county, a county clerk only its own, a
department and users without a role are refused (403).

Arithmetic (``subsidy_table``): for each county × retrofit type × area class, the units newly
completed in each month up to the as-of period (approved reports only, as ``reports.selectors.
report_units`` counts them) × the rule's rate *in force in that month* (``rule_periods``: a rate
change applies from its effective month on; households completed earlier keep the earlier rate),
summed over the months, for the city share and the county share separately. Households for
household types, m² for per-m² types (their rule is ``any`` and applies to the m² of urban and
rural lines alike). Each line is rounded to the fen (ROUND_HALF_UP) once, after the months are
summed, and totals are sums of the rounded lines. A type with no rule (district_heating in 2021)
contributes 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from counties.models import AreaClass, County, Plan, RetrofitType, Role, Unit
from counties.selectors import Scope, counties_for_user, plan_types, scope_for_user
from reports.models import ReportLine, ReportStatus
from reports.periods import clean_as_of_period, default_as_of_period
from reports.selectors import Units
from subsidies.models import (
    GridAllocation,
    GridInvestment,
    Level,
    Payment,
    RuleAreaClass,
    Settlement,
    SubsidyRule,
    SubsidyRuleChange,
)
from subsidies.rates import RatePeriod, rate_in, rate_periods_for_plan

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
AREA_CLASSES = (AreaClass.URBAN.value, AreaClass.RURAL.value)
LEVELS = (Level.CITY.value, Level.COUNTY.value)
READ_ROLES = (Role.FINANCE, Role.CITY_OFFICE, Role.ADMIN, Role.COUNTY_CLERK)


def money(value) -> Decimal:
    """Yuan with 2 places, rounded half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value) -> str:
    return format(money(value), "f")


# ---------------------------------------------------------------------------------------------
# Who may see what


def can_read_subsidies(user) -> bool:
    """The one money rule: whoever may not read subsidies (departments, users without a role) sees no
    money anywhere, not on the subsidy pages and not as amounts on the roster or in reconciliation."""
    return scope_for_user(user).role in READ_ROLES


def subsidy_scope(user) -> Scope:
    """The caller's scope if it may read subsidies; 403 for departments and users without a role."""
    if not can_read_subsidies(user):
        raise PermissionDenied(_("您的角色无权查看补助资金。"))
    return scope_for_user(user)


def plan_counties(*, plan: Plan, queryset=None) -> QuerySet[County]:
    """Counties that take part in the plan (targets or approved reports), in annex order. Unscoped."""
    queryset = County.objects.all() if queryset is None else queryset
    ids = County.objects.filter(
        Q(targets__plan=plan) | Q(reports__plan=plan, reports__status=ReportStatus.APPROVED)
    ).values("pk")
    return queryset.filter(pk__in=ids).order_by("order", "code")


def subsidy_counties_for_user(*, user, plan: Plan) -> QuerySet[County]:
    """The plan's counties the caller may see."""
    subsidy_scope(user)
    return plan_counties(plan=plan, queryset=counties_for_user(user=user))


def subsidy_county_get_for_user(*, user, plan: Plan, code) -> County:
    """A county the caller may see (404 otherwise); a clerk who names none gets its own."""
    scope = subsidy_scope(user)
    queryset = counties_for_user(user=user)
    if not code and scope.is_clerk:
        county = queryset.first()
    else:
        county = queryset.filter(code=str(code or "").strip()).first()
    if county is None:
        raise Http404(_("未找到该县（市、区）。"))
    return county


# ---------------------------------------------------------------------------------------------
# Periods


def period_default(*, plan: Plan) -> str:
    return default_as_of_period(plan=plan)


def period_parse(*, plan: Plan, value, field: str = "period") -> str:
    """A ``YYYY-MM`` inside the plan; ValidationError (400) on ``field`` otherwise; the default when empty."""
    try:
        return clean_as_of_period(value, plan=plan)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


# ---------------------------------------------------------------------------------------------
# Rules


def subsidy_rules_for_user(*, user, plan: Plan) -> QuerySet[SubsidyRule]:
    subsidy_scope(user)
    return (
        SubsidyRule.objects.filter(plan=plan)
        .select_related("retrofit_type")
        .order_by("retrofit_type__order", "area_class", "level")
    )


def subsidy_rule_get_for_user(*, user, plan: Plan, pk) -> SubsidyRule:
    try:
        return subsidy_rules_for_user(user=user, plan=plan).get(pk=int(pk))
    except (SubsidyRule.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该补助标准。")) from None


def rule_changes_for_user(*, user, plan: Plan) -> QuerySet[SubsidyRuleChange]:
    subsidy_scope(user)
    return SubsidyRuleChange.objects.filter(rule__plan=plan).select_related("rule", "rule__retrofit_type", "changed_by")


# ---------------------------------------------------------------------------------------------
# The arithmetic


@dataclass
class Share:
    units: int | Decimal = 0
    city: Decimal = ZERO
    county: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.city + self.county


def _units_of(units: Units, retrofit_type: RetrofitType):
    return units.area_m2 if retrofit_type.unit == Unit.M2 else units.households


def monthly_units(
    *, plan: Plan, period: str, county_ids: list[int], type_ids: list[int]
) -> dict[tuple[int, int, str], list[tuple[str, Units]]]:
    """(county id, type id, area class) -> [(month, units newly completed that month)] up to ``period``,
    approved reports only (the lines ``reports.selectors.report_units`` sums). One query."""
    lines = ReportLine.objects.filter(
        report__plan=plan,
        report__status=ReportStatus.APPROVED,
        report__county__isnull=False,
        report__period__lte=period,
        report__county_id__in=county_ids,
        retrofit_type_id__in=type_ids,
    )
    rows = lines.values("report__county_id", "retrofit_type_id", "area_class", "report__period").annotate(
        households=Sum("households"), area_m2=Sum("area_m2")
    )
    result: dict[tuple[int, int, str], list[tuple[str, Units]]] = {}
    for row in rows.order_by():
        key = (row["report__county_id"], row["retrofit_type_id"], row["area_class"])
        units = Units(households=row["households"] or 0, area_m2=row["area_m2"] or Decimal("0"))
        result.setdefault(key, []).append((row["report__period"], units))
    return result


def _line_runs(runs, *, type_id: int, area_class: str, level: str) -> list[RatePeriod] | None:
    """A line's rate periods: its area class's own rule, else the ``any`` rule, else None."""
    found = runs.get((type_id, area_class, level))
    if found is None:
        found = runs.get((type_id, RuleAreaClass.ANY.value, level))
    return found


def _due(months: list[tuple[str, Units]], t: RetrofitType, runs: list[RatePeriod] | None) -> Decimal:
    """Σ over months (units completed that month × the rate in force that month), rounded once."""
    if not runs:
        return ZERO
    return money(sum((_units_of(units, t) * rate_in(runs, month) for month, units in months), ZERO))


def subsidy_compute(*, plan: Plan, period: str, counties: list[County], types: list[RetrofitType]) -> dict:
    """The subsidy table for the given counties (no scoping here: callers pass scoped counties).

    Two queries: the rules joined to their changes, and the approved units by month.
    The ``rates`` shown per type are those in force in ``period``.
    """
    runs = rate_periods_for_plan(plan=plan)
    county_ids = [c.pk for c in counties]
    units = monthly_units(plan=plan, period=period, county_ids=county_ids, type_ids=[t.pk for t in types])
    type_info = []
    for t in types:
        line_runs = {
            ac: {lvl: _line_runs(runs, type_id=t.pk, area_class=ac, level=lvl) for lvl in LEVELS} for ac in AREA_CLASSES
        }
        rates = {ac: {lvl: rate_in(line_runs[ac][lvl], period) for lvl in LEVELS} for ac in AREA_CLASSES}
        has_rule = any(rate is not None for by_level in rates.values() for rate in by_level.values())
        # A type whose rules are all 不分城乡 (building retrofit) is one group of columns on the page.
        split = any((t.pk, ac, lvl) in runs for ac in AREA_CLASSES for lvl in LEVELS)
        type_info.append({"type": t, "rates": rates, "runs": line_runs, "has_rule": has_rule, "split": split})

    rows = []
    totals_by_type = {t.code: {ac: Share(units=_zero_units(t)) for ac in AREA_CLASSES} for t in types}
    grand = Share()
    for county in counties:
        by_type = {}
        county_total = Share()
        for info in type_info:
            t = info["type"]
            cells = {}
            for ac in AREA_CLASSES:
                months = units.get((county.pk, t.pk, ac), [])
                quantity = sum((_units_of(u, t) for _month, u in months), _zero_units(t))
                share = Share(
                    units=quantity,
                    city=_due(months, t, info["runs"][ac][Level.CITY]),
                    county=_due(months, t, info["runs"][ac][Level.COUNTY]),
                )
                cells[ac] = share
                county_total.city += share.city
                county_total.county += share.county
                acc = totals_by_type[t.code][ac]
                acc.units += quantity
                acc.city += share.city
                acc.county += share.county
            by_type[t.code] = cells
        grand.city += county_total.city
        grand.county += county_total.county
        rows.append(
            {
                "county": county,
                "by_type": by_type,
                "city_share": county_total.city,
                "county_share": county_total.county,
                "total": county_total.total,
            }
        )
    return {
        "plan": plan,
        "period": period,
        "types": type_info,
        "rows": rows,
        "by_type": totals_by_type,
        "totals": {"city_share": grand.city, "county_share": grand.county, "total": grand.total},
    }


def _zero_units(t: RetrofitType):
    return Decimal("0.00") if t.unit == Unit.M2 else 0


def subsidy_table_for_user(*, user, plan: Plan, period: str) -> dict:
    """The subsidy table the caller may see. A bounded number of queries whatever the data size."""
    counties = list(subsidy_counties_for_user(user=user, plan=plan))
    return subsidy_compute(plan=plan, period=period, counties=counties, types=plan_types(plan=plan))


# ---------------------------------------------------------------------------------------------
# Grid support


def grid_investments_for_user(*, user, plan: Plan) -> QuerySet[GridInvestment]:
    scope = subsidy_scope(user)
    queryset = GridInvestment.objects.filter(plan=plan).select_related("county", "recorded_by", "voided_by")
    if scope.county_ids is not None:
        queryset = queryset.filter(county_id__in=scope.county_ids)
    return queryset


def grid_investment_get_for_user(*, user, plan: Plan, pk) -> GridInvestment:
    """An investment the caller may see (voided ones included); 404 outside its scope."""
    try:
        return grid_investments_for_user(user=user, plan=plan).get(pk=int(pk))
    except (GridInvestment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该配套电网投资记录。")) from None


def grid_allocated_total(*, plan: Plan, exclude_county_id: int | None = None) -> Decimal:
    queryset = GridAllocation.objects.filter(plan=plan)
    if exclude_county_id is not None:
        queryset = queryset.exclude(county_id=exclude_county_id)
    return queryset.aggregate(total=Sum("amount"))["total"] or ZERO


def grid_compute(*, plan: Plan, counties: list[County], city_wide: bool = True) -> dict:
    """Per county: investments (voided ones excluded), county support due (rate × total), city allocation.

    ``allocated``/``unallocated`` add up every county's allocation, so they are None unless the
    caller sees every county (``city_wide``): a clerk sees its own county's figures only. Two queries.
    """
    ids = [c.pk for c in counties]
    invested = {
        r["county_id"]: r["total"]
        for r in GridInvestment.objects.filter(plan=plan, county_id__in=ids, voided_at__isnull=True)
        .values("county_id")
        .annotate(total=Sum("amount"))
    }
    allocations = dict(GridAllocation.objects.filter(plan=plan).values_list("county_id", "amount"))
    rows = []
    for county in counties:
        total = invested.get(county.pk, ZERO)
        rows.append(
            {
                "county": county,
                "invested": money(total),
                "county_support": money(total * plan.grid_county_rate),
                "city_allocated": money(allocations.get(county.pk, ZERO)),
            }
        )
    allocated = money(sum(allocations.values(), ZERO)) if city_wide else None
    return {
        "rate": plan.grid_county_rate,
        "city_total": money(plan.grid_city_total),
        "allocated": allocated,
        "unallocated": money(plan.grid_city_total - allocated) if city_wide else None,
        "rows": rows,
        "totals": {
            "invested": sum((r["invested"] for r in rows), ZERO),
            "county_support": sum((r["county_support"] for r in rows), ZERO),
            "city_allocated": sum((r["city_allocated"] for r in rows), ZERO),
        },
    }


def grid_summary_for_user(*, user, plan: Plan) -> dict:
    scope = subsidy_scope(user)
    counties = list(subsidy_counties_for_user(user=user, plan=plan))
    return grid_compute(plan=plan, counties=counties, city_wide=scope.sees_all_counties)


# ---------------------------------------------------------------------------------------------
# Payments: due vs paid vs outstanding


def payments_for_user(*, user, plan: Plan) -> QuerySet[Payment]:
    scope = subsidy_scope(user)
    queryset = Payment.objects.filter(plan=plan).select_related("county", "recorded_by", "voided_by")
    if scope.county_ids is not None:
        queryset = queryset.filter(county_id__in=scope.county_ids)
    return queryset


def payment_get_for_user(*, user, plan: Plan, pk) -> Payment:
    """A payment the caller may see (voided ones included); 404 outside its scope."""
    try:
        return payments_for_user(user=user, plan=plan).get(pk=int(pk))
    except (Payment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该拨付记录。")) from None


def payment_compute(*, plan: Plan, period: str, counties: list[County], table: dict | None = None, grid=None) -> dict:
    """Due (retrofit share + grid support of that level), paid and outstanding per county × level.

    Due is as of ``period``; paid counts every payment recorded for the plan, except voided ones.
    """
    if table is None:
        table = subsidy_compute(plan=plan, period=period, counties=counties, types=plan_types(plan=plan))
    if grid is None:
        grid = grid_compute(plan=plan, counties=counties)
    ids = [c.pk for c in counties]
    paid = {
        (r["county_id"], r["level"]): r["total"]
        for r in Payment.objects.filter(plan=plan, county_id__in=ids, voided_at__isnull=True)
        .values("county_id", "level")
        .annotate(total=Sum("amount"))
    }
    grid_by_county = {r["county"].pk: r for r in grid["rows"]}
    rows = []
    totals = {lvl: {"subsidy": ZERO, "grid": ZERO, "due": ZERO, "paid": ZERO, "outstanding": ZERO} for lvl in LEVELS}
    for row in table["rows"]:
        county = row["county"]
        g = grid_by_county.get(county.pk, {"city_allocated": ZERO, "county_support": ZERO})
        levels = {}
        for lvl in LEVELS:
            subsidy = row["city_share"] if lvl == Level.CITY else row["county_share"]
            grid_part = g["city_allocated"] if lvl == Level.CITY else g["county_support"]
            due = subsidy + grid_part
            paid_amount = money(paid.get((county.pk, lvl), ZERO))
            cell = {
                "subsidy": subsidy,
                "grid": grid_part,
                "due": due,
                "paid": paid_amount,
                "outstanding": due - paid_amount,
            }
            levels[lvl] = cell
            for key, value in cell.items():
                totals[lvl][key] += value
        rows.append({"county": county, "levels": levels})
    return {"period": period, "rows": rows, "totals": totals}


def outstanding_for(*, plan: Plan, county: County, level: str) -> Decimal:
    """What is still owed to ``county`` at ``level``, on every approved report of the plan."""
    result = payment_compute(plan=plan, period=plan.periods()[-1], counties=[county])
    return result["rows"][0]["levels"][level]["outstanding"]


# ---------------------------------------------------------------------------------------------
# Settlements


def settlements_for_user(*, user, plan: Plan) -> QuerySet[Settlement]:
    """Settlements are city-wide documents: finance, the city office and administrators only."""
    scope = subsidy_scope(user)
    if not scope.sees_all_counties:
        raise PermissionDenied(_("结算快照仅限市财政局、市清洁取暖办查看。"))
    return Settlement.objects.filter(plan=plan).select_related("created_by").defer("xlsx")


def settlement_get_for_user(*, user, plan: Plan, pk, with_file: bool = False) -> Settlement:
    queryset = settlements_for_user(user=user, plan=plan)
    if with_file:
        queryset = queryset.defer(None)
    try:
        return queryset.get(pk=int(pk))
    except (Settlement.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该结算快照。")) from None
