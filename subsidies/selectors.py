"""Reads of subsidies: the arithmetic, grid support, payments and settlements, and who may see them.

Every subsidy read goes through ``subsidy_scope`` (built on ``counties.selectors.scope_for_user``):
finance, the city office and administrators see every county, a county clerk only its own, a
department and users without a role are refused (403).

Arithmetic (``subsidy_table``): for each county × retrofit type × area class, the approved units up
to the as-of period (``reports.selectors.report_units``: approved reports only) × the rule's rate,
for the city share and the county share separately. Households for household types, m² for
per-m² types (their rule is ``any`` and applies to the m² of urban and rural lines alike). Each
line is rounded to the fen (ROUND_HALF_UP) and totals are sums of the rounded lines. A type with
no rule (district_heating in 2021) contributes 0.
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
from reports.models import ReportStatus
from reports.periods import clean_as_of_period, default_as_of_period
from reports.selectors import Units, report_units
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


def rules_for_plan(*, plan: Plan) -> dict[tuple[int, str, str], Decimal]:
    """(type id, rule area class, level) -> amount. One query."""
    return {
        (r["retrofit_type_id"], r["area_class"], r["level"]): r["amount"]
        for r in SubsidyRule.objects.filter(plan=plan).values("retrofit_type_id", "area_class", "level", "amount")
    }


def rule_rate(rules, *, type_id: int, area_class: str, level: str) -> Decimal | None:
    """The rate for a line: the area class's own rule, else the ``any`` rule, else None."""
    rate = rules.get((type_id, area_class, level))
    if rate is None:
        rate = rules.get((type_id, RuleAreaClass.ANY.value, level))
    return rate


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


def subsidy_compute(*, plan: Plan, period: str, counties: list[County], types: list[RetrofitType]) -> dict:
    """The subsidy table for the given counties (no scoping here: callers pass scoped counties).

    Two queries: the rules and the approved units.
    """
    rules = rules_for_plan(plan=plan)
    county_ids = [c.pk for c in counties]
    units = report_units(plan=plan, period=period, county_ids=county_ids, type_ids=[t.pk for t in types])
    empty = Units()
    type_info = []
    for t in types:
        rates = {
            ac: {lvl: rule_rate(rules, type_id=t.pk, area_class=ac, level=lvl) for lvl in LEVELS} for ac in AREA_CLASSES
        }
        has_rule = any(rate is not None for by_level in rates.values() for rate in by_level.values())
        # A type whose rules are all 不分城乡 (building retrofit) is one group of columns on the page.
        split = any((t.pk, ac, lvl) in rules for ac in AREA_CLASSES for lvl in LEVELS)
        type_info.append({"type": t, "rates": rates, "has_rule": has_rule, "split": split})

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
                quantity = _units_of(units.get((county.pk, t.pk, ac), empty), t)
                city_rate = info["rates"][ac][Level.CITY] or ZERO
                county_rate = info["rates"][ac][Level.COUNTY] or ZERO
                share = Share(units=quantity, city=money(quantity * city_rate), county=money(quantity * county_rate))
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
