"""Reads, and the one place that decides who may see what.

``scope_for_user`` is the choke point: every view, API endpoint and export asks it (directly or
through a ``..._for_user`` selector) which counties and retrofit types the user may see, and
whether the user may write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County, Plan, PlanStatus, Profile, RetrofitType, Role, Target, TargetAdjustment, Unit


@dataclass(frozen=True)
class Scope:
    role: Role | None
    # None means "every county"; otherwise the ids the user may see.
    county_ids: frozenset[int] | None
    # None means "every type"; a department sees only its own.
    type_ids: frozenset[int] | None
    county_id: int | None = None
    county_code: str = ""
    department_name: str = ""

    @property
    def is_city_office(self) -> bool:
        return self.role in (Role.CITY_OFFICE, Role.ADMIN)

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.COUNTY_CLERK

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.INSPECTOR

    @property
    def is_acceptor(self) -> bool:
        return self.role == Role.ACCEPTOR

    @property
    def is_field(self) -> bool:
        """Inspectors and acceptors: inspection pages only, no reports, roster lists or money."""
        return self.role in (Role.INSPECTOR, Role.ACCEPTOR)

    @property
    def sees_all_counties(self) -> bool:
        return self.county_ids is None

    def allows_county(self, county_id: int) -> bool:
        return self.county_ids is None or county_id in self.county_ids


NO_SCOPE = Scope(role=None, county_ids=frozenset(), type_ids=frozenset())
# The figures the plan makes public (every county's progress and ranking in the monthly bulletin,
# circulated to every county). Only aggregate selectors accept it; it never reaches a report.
PUBLIC_SCOPE = Scope(role=None, county_ids=None, type_ids=None)


def scope_for_user(user) -> Scope:
    """The user's role and visible counties and types; cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return NO_SCOPE
    cached = getattr(user, "_heating_scope", None)
    if cached is not None:
        return cached
    group_names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        group_names.add(Role.ADMIN.value)
    role = next(
        (
            r
            for r in (
                Role.ADMIN,
                Role.CITY_OFFICE,
                Role.FINANCE,
                Role.DEPARTMENT,
                Role.COUNTY_CLERK,
                Role.INSPECTOR,
                Role.ACCEPTOR,
            )
            if r.value in group_names
        ),
        None,
    )
    profile = Profile.objects.filter(user=user).select_related("county").prefetch_related("retrofit_types").first()
    if role in (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE):
        scope = Scope(role=role, county_ids=None, type_ids=None)
    elif role == Role.DEPARTMENT:
        type_ids = frozenset(t.pk for t in profile.retrofit_types.all()) if profile else frozenset()
        scope = Scope(
            role=role, county_ids=None, type_ids=type_ids, department_name=profile.department_name if profile else ""
        )
    elif role == Role.COUNTY_CLERK and profile and profile.county_id:
        scope = Scope(
            role=role,
            county_ids=frozenset({profile.county_id}),
            type_ids=None,
            county_id=profile.county_id,
            county_code=profile.county.code,
        )
    elif role == Role.INSPECTOR:
        # Field roles only: the other roles' scopes cost no extra query.
        limited = frozenset(profile.counties.values_list("pk", flat=True)) if profile else frozenset()
        scope = Scope(role=role, county_ids=limited or None, type_ids=None)
    elif role == Role.ACCEPTOR:
        # Engaged counties only; an acceptor with none configured sees nothing.
        engaged = frozenset(profile.counties.values_list("pk", flat=True)) if profile else frozenset()
        scope = Scope(role=role, county_ids=engaged, type_ids=None)
    else:
        scope = NO_SCOPE
    # The year chosen in the header switch, read with the profile (no query of its own).
    user._heating_plan_year = profile.plan_year if profile else None
    user._heating_scope = scope
    return scope


def require_role(user, *roles: Role) -> Scope:
    """403 unless the user has one of ``roles``."""
    scope = scope_for_user(user)
    if scope.role not in roles:
        raise PermissionDenied(_("您的角色无权执行该操作。"))
    return scope


def counties_for_user(*, user) -> QuerySet[County]:
    scope = scope_for_user(user)
    queryset = County.objects.all()
    if scope.county_ids is not None:
        queryset = queryset.filter(pk__in=scope.county_ids)
    return queryset


def plan_counties_for_user(*, user, plan: Plan) -> QuerySet[County]:
    """The counties with a target in the plan that the user may see, in annex order."""
    return counties_for_user(user=user).filter(targets__plan=plan).distinct().order_by("order", "code")


def county_get_for_user(*, user, code: str) -> County:
    county = counties_for_user(user=user).filter(code=code).first()
    if county is None:
        raise Http404(_("未找到该县（市、区）。"))
    return county


def retrofit_types_for_user(*, user) -> QuerySet[RetrofitType]:
    scope = scope_for_user(user)
    queryset = RetrofitType.objects.all()
    if scope.type_ids is not None:
        queryset = queryset.filter(pk__in=scope.type_ids)
    return queryset


def plan_get(*, year) -> Plan:
    try:
        return Plan.objects.get(year=int(year))
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该年度方案。")) from None


def plan_latest() -> Plan | None:
    """The latest published (or closed) plan: what the public pages show when no year is asked for."""
    return Plan.objects.exclude(status=PlanStatus.DRAFT).order_by("-year").first()


def plans_for_user(*, user) -> QuerySet[Plan]:
    """Every plan year the user may see: drafts only for the city office and the administrator."""
    queryset = Plan.objects.order_by("-year")
    if not scope_for_user(user).is_city_office:
        queryset = queryset.exclude(status=PlanStatus.DRAFT)
    return queryset


def plans_open() -> QuerySet[Plan]:
    """The years still open for reporting and review (published, not closed), oldest first."""
    return Plan.objects.filter(status=PlanStatus.PUBLISHED).order_by("year")


def plan_year_parse(value) -> int | None:
    """A year as typed in a URL or a form: ASCII digits only ("２０２１" or "2021\x85" is no year)."""
    text = str(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() else None


def plan_get_for_user(*, user, year) -> Plan:
    """A plan year the user may see; another role asking for a draft gets the same 404 as a missing year."""
    year = plan_year_parse(year)
    plan = plans_for_user(user=user).filter(year=year).first() if year is not None else None
    if plan is None:
        raise Http404(_("未找到该年度方案。"))
    return plan


def plan_current(*, user=None, today: date | None = None) -> Plan | None:
    """The plan a page shows when no year is asked for.

    The published plan whose reporting window (issue date to deadline) holds today, else the latest
    published one; a draft only when the city office has nothing else.
    """
    visible = plans_for_user(user=user) if user is not None else Plan.objects.exclude(status=PlanStatus.DRAFT)
    return plan_current_among(list(visible.order_by("-year")), today=today)


def plan_current_among(plans: list[Plan], *, today: date | None = None) -> Plan | None:
    """``plan_current``'s choice among plans already read (newest first)."""
    today = today or timezone.localdate()
    in_force = [p for p in plans if p.status != PlanStatus.DRAFT]
    for plan in in_force:
        if plan.status == PlanStatus.PUBLISHED and plan.document_date <= today <= plan.deadline:
            return plan
    published = [p for p in in_force if p.status == PlanStatus.PUBLISHED]
    return (published or in_force or plans or [None])[0]


def plan_types(*, plan: Plan) -> list[RetrofitType]:
    """The retrofit types the plan sets targets for, in annex order."""
    return list(RetrofitType.objects.filter(targets__plan=plan).distinct().order_by("order", "code"))


def plan_target_table(*, plan: Plan) -> dict:
    """The annex table: one row per county with targets, in annex order, plus the 合计 row.

    The current targets, each row listing the types whose target was adjusted (``adjusted``).

    Two queries whatever the number of counties or types.
    """
    types = plan_types(plan=plan)
    targets = (
        Target.objects.filter(plan=plan)
        .select_related("county")
        .annotate(adjusted=Exists(TargetAdjustment.objects.filter(target=OuterRef("pk"))))
        .order_by("county__order", "county__code")
        .values(
            "county__code", "county__name", "county__order", "retrofit_type_id", "households", "area_m2", "adjusted"
        )
    )
    rows: dict[str, dict] = {}
    type_by_id = {t.pk: t for t in types}
    for item in targets:
        row = rows.setdefault(
            item["county__code"],
            {
                "county": item["county__code"],
                "county_name": item["county__name"],
                "targets": {t.code: 0 for t in types},
                "area_m2": {t.code: Decimal("0") for t in types if t.unit == Unit.M2},
                "total": 0,
                # the type codes whose target was adjusted since the plan was issued (marked 已调整)
                "adjusted": [],
            },
        )
        code = type_by_id[item["retrofit_type_id"]].code
        row["targets"][code] = item["households"]
        if code in row["area_m2"]:
            row["area_m2"][code] = item["area_m2"] or Decimal(item["households"]) * plan.m2_per_household
        row["total"] += item["households"]
        if item["adjusted"]:
            row["adjusted"].append(code)
    totals = {t.code: sum(r["targets"][t.code] for r in rows.values()) for t in types}
    totals["total"] = sum(r["total"] for r in rows.values())
    area_totals = {
        t.code: sum((r["area_m2"][t.code] for r in rows.values()), Decimal("0")) for t in types if t.unit == Unit.M2
    }
    return {
        "plan": plan,
        "types": types,
        "rows": list(rows.values()),
        "totals": totals,
        "area_totals": area_totals,
        "adjusted": any(r["adjusted"] for r in rows.values()),
    }


def targets_in_force(
    *, plan: Plan, period: str, county_ids=None, type_ids=None
) -> dict[tuple[int, int], tuple[int, Decimal | None]]:
    """Each target as it stood in ``period``: ``(county_id, type_id) -> (households, area_m2)``.

    The current value, unless an adjustment takes effect after ``period``: then the old value of the
    earliest such adjustment. Adjustments of a target are kept in month order (``target_adjust``
    refuses one dated before a later one), so that old value is what was in force. One query.
    """
    later = TargetAdjustment.objects.filter(target=OuterRef("pk"), effective_period__gt=period).order_by(
        "effective_period", "pk"
    )
    targets = Target.objects.filter(plan=plan)
    if county_ids is not None:
        targets = targets.filter(county_id__in=county_ids)
    if type_ids is not None:
        targets = targets.filter(retrofit_type_id__in=type_ids)
    targets = targets.annotate(
        then_households=Subquery(later.values("old_households")[:1]),
        then_area_m2=Subquery(later.values("old_area_m2")[:1]),
    )
    result = {}
    for t in targets.values(
        "county_id", "retrofit_type_id", "households", "area_m2", "then_households", "then_area_m2"
    ):
        if t["then_households"] is None:
            value = (t["households"], t["area_m2"])
        else:
            area = t["then_area_m2"]
            value = (t["then_households"], Decimal(area).quantize(Decimal("0.01")) if area is not None else None)
        result[(t["county_id"], t["retrofit_type_id"])] = value
    return result


def targets_over_periods(
    *, plan: Plan, periods: list[str], county_ids=None, type_ids=None
) -> dict[str, dict[tuple[int, int], int]]:
    """The households of each target in force in each of ``periods`` (``targets_in_force`` month by
    month, for trend lines): ``{period: {(county_id, type_id): households}}``. One query.
    """
    queryset = Target.objects.filter(plan=plan)
    if county_ids is not None:
        queryset = queryset.filter(county_id__in=county_ids)
    if type_ids is not None:
        queryset = queryset.filter(retrofit_type_id__in=type_ids)
    current: dict[tuple[int, int], int] = {}
    steps: dict[tuple[int, int], list[tuple[str, int, int]]] = {}
    for row in queryset.values(
        "county_id",
        "retrofit_type_id",
        "households",
        "adjustments__pk",
        "adjustments__effective_period",
        "adjustments__old_households",
    ):
        key = (row["county_id"], row["retrofit_type_id"])
        current[key] = row["households"]
        if row["adjustments__pk"] is not None:
            steps.setdefault(key, []).append(
                (row["adjustments__effective_period"], row["adjustments__pk"], row["adjustments__old_households"])
            )
    return {period: _households_in_force(period, current, steps) for period in periods}


def households_over_periods(
    *, periods: list[str], current: dict[tuple[int, int], int], adjustments
) -> dict[str, dict[tuple[int, int], int]]:
    """``targets_over_periods`` from rows already read: ``current`` holds the targets (their value now or
    in any month of no later adjustment) and ``adjustments`` every adjustment of them, with its target
    (``target_adjustments``). No query: the county page reads its notice's rows once for both."""
    current = dict(current)
    steps: dict[tuple[int, int], list[tuple[str, int, int]]] = {}
    for a in adjustments:
        key = (a.target.county_id, a.target.retrofit_type_id)
        if key in current:
            current[key] = a.target.households
            steps.setdefault(key, []).append((a.effective_period, a.pk, a.old_households))
    return {period: _households_in_force(period, current, steps) for period in periods}


def _households_in_force(period: str, current: dict, steps: dict) -> dict[tuple[int, int], int]:
    result = dict(current)
    for key, changes in steps.items():
        later = [c for c in changes if c[0] > period]
        if later:
            result[key] = min(later)[2]
    return result


def target_adjustments(*, plan: Plan, county_id: int | None = None) -> QuerySet[TargetAdjustment]:
    """The plan's target adjustments, newest first, with what the list shows joined (one query).

    Targets are public (the plan's annex), so is how they changed: no scoping beyond the plan."""
    queryset = TargetAdjustment.objects.filter(target__plan=plan).select_related(
        "target__county", "target__retrofit_type", "target__plan", "created_by"
    )
    if county_id is not None:
        queryset = queryset.filter(target__county_id=county_id)
    return queryset.order_by("-created_at", "-pk")
