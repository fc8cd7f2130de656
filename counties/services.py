from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import ConflictError
from core.xlsx_guard import WorkbookRefused
from counties.models import County, Plan, PlanStatus, Profile, RetrofitType, Role, Target, TargetAdjustment, Unit
from counties.permissions import PlanManagers
from counties.plan_file import PlanData
from counties.plan_hooks import plan_section_loaders
from counties.plan_life import _lock, plan_closed_message
from counties.targets_workbook import TargetValue, parse_targets_rows, target_cell_value, workbook_rows


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def upsert_counted(model, result: LoadResult, *, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False)
        obj.save()
        result.count(created=True, changed=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean(validate_unique=False)
        obj.save(update_fields=changed)
    result.count(created=False, changed=bool(changed))
    return obj


def plan_default_effective_period(*, plan: Plan, today: date | None = None) -> str:
    """The current month, clamped into the plan's months: when a change recorded today takes effect."""
    today = today or timezone.localdate()
    now = f"{today.year}-{today.month:02d}"
    return min(max(now, plan.first_period), plan.last_period)


@transaction.atomic
def target_adjust(
    *,
    target: Target | None = None,
    plan: Plan | None = None,
    county: County | None = None,
    retrofit_type: RetrofitType | None = None,
    households: int | None = None,
    area_m2: Decimal | None = None,
    effective_period: str,
    reason: str,
    document_number: str = "",
    by,
) -> TargetAdjustment:
    """Change a county's target for a type from ``effective_period`` on, and record the change.

    Give ``households``, or for a type measured in m² either (the other follows from the plan's m² per
    household). Months before ``effective_period`` keep the old value in every figure. An adjustment
    may not take effect before a later one of the same target already recorded (the history stays in
    month order); ValidationError with Chinese messages otherwise, and nothing is written.

    Name the ``target``, or ``plan``, ``county`` and ``retrofit_type``: a county without a target of
    that type gets one (追加任务), adjusted from 0.
    """
    if target is None:
        target, _created = Target.objects.select_related("plan", "retrofit_type").get_or_create(
            plan=plan, county=county, retrofit_type=retrofit_type, defaults={"households": 0}
        )
    # The row as stored, locked: two adjustments of one target never both read the same old value.
    target = Target.objects.select_for_update().select_related("plan", "retrofit_type").get(pk=target.pk)
    plan = target.plan
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    document_number = (document_number or "").strip()
    effective_period = (effective_period or "").strip()
    if not reason:
        errors["reason"] = [_("请填写调整原因。")]
    if effective_period not in plan.periods():
        errors["effective_period"] = [
            _("生效月份应为%(plan)s的报送期（%(first)s 至 %(last)s）内的月份，如 %(first)s。")
            % {"plan": plan.title, "first": plan.first_period, "last": plan.last_period}
        ]
    else:
        latest = target.adjustments.order_by("-effective_period").values_list("effective_period", flat=True).first()
        if latest and effective_period < latest:
            errors["effective_period"] = [
                _("该目标已有 %(latest)s 起生效的调整，新的调整不能早于该月。") % {"latest": latest}
            ]
    is_area = target.retrofit_type.unit == Unit.M2
    if (households is None) == (area_m2 is None):
        errors["households"] = [_("请填写调整后的户数或面积（二者填其一）。")]
    elif area_m2 is not None and not is_area:
        errors["area_m2"] = [_("%(type)s按户计，请填写户数。") % {"type": target.retrofit_type.name}]
    elif households is not None and (isinstance(households, bool) or int(households) < 0):
        errors["households"] = [_("户数不能为负数。")]
    elif area_m2 is not None and Decimal(area_m2) < 0:
        errors["area_m2"] = [_("面积不能为负数。")]
    if errors:
        raise ValidationError(errors)
    m2 = plan.m2_per_household
    if area_m2 is not None:
        new_area = Decimal(area_m2).quantize(Decimal("0.01"))
        new_households = int((new_area / m2).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    else:
        new_households = int(households)
        new_area = (Decimal(new_households) * m2).quantize(Decimal("0.01")) if is_area else None
    if new_households == target.households and new_area == target.area_m2:
        raise ValidationError({"households": [_("调整后的目标与现行目标相同，无需调整。")]})
    adjustment = TargetAdjustment(
        target=target,
        old_households=target.households,
        new_households=new_households,
        old_area_m2=target.area_m2,
        new_area_m2=new_area,
        effective_period=effective_period,
        reason=reason,
        document_number=document_number,
        created_by=by,
    )
    adjustment.full_clean()
    adjustment.save()
    target.households = new_households
    target.area_m2 = new_area
    target.full_clean(validate_unique=False)
    target.save(update_fields=["households", "area_m2"])
    return adjustment


@transaction.atomic
def plan_load(
    *,
    data: PlanData,
    by=None,
    effective_period: str | None = None,
    reason: str = "",
    document_number: str = "",
    section_options: dict | None = None,
) -> tuple[Plan, LoadResult]:
    """Create or bring up to date a plan with its counties, types, targets and subsidy rules.

    Loading the same file twice changes nothing; a target or rule the file no longer lists is
    removed, so that the database says exactly what the file says. A target whose value the file
    changes is adjusted through ``target_adjust`` (recorded with ``by``, from ``effective_period``,
    default the current month within the plan, and ``reason``, default 按方案文件更新); without
    ``by`` such a file is refused and nothing is written. ``section_options`` go to the higher apps'
    loaders as keywords (the subsidy rates' ``rates_effective_from``, ``rates_reason``).
    """
    result = LoadResult()
    # A plan file loads as the published plan (the shipped 2021 plan is in force); reloading it
    # never changes a plan's status, so that a closed year stays closed.
    first_load = not Plan.objects.filter(year=data.year).exists()
    plan = upsert_counted(
        Plan,
        result,
        lookup={"year": data.year},
        values={
            "title": data.title,
            "document_number": data.document_number,
            "document_date": data.document_date,
            "deadline": data.deadline,
            "m2_per_household": data.m2_per_household,
            "grid_city_total": data.grid_city_total,
            "grid_county_rate": data.grid_county_rate,
            **({"status": PlanStatus.PUBLISHED} if first_load else {}),
        },
    )
    types = {t.code: t for t in RetrofitType.objects.all()}
    for item in data.retrofit_types:
        types[item["code"]] = upsert_counted(
            RetrofitType,
            result,
            lookup={"code": item["code"]},
            values={
                "name": item["name"],
                "unit": item["unit"],
                "order": item["order"],
                "department": item["department"],
            },
        )
    counties = {c.code: c for c in County.objects.all()}
    for item in data.counties:
        counties[item["code"]] = upsert_counted(
            County,
            result,
            lookup={"code": item["code"]},
            values={"name": item["name"], "order": item["order"], "files_reports": item["files_reports"]},
        )

    targets_write(
        plan=plan,
        targets={key: TargetValue(households) for key, households in data.targets.items()},
        result=result,
        by=by,
        effective_period=effective_period,
        reason=reason,
        document_number=document_number,
    )

    # Parts kept by higher apps (the subsidy rates) load through the hooks they registered.
    for load_section in plan_section_loaders():
        load_section(plan=plan, data=data, types=types, result=result, **(section_options or {}))
    return plan, result


@transaction.atomic
def user_set_role(
    *,
    username: str,
    password: str | None,
    role: Role,
    county: County | None = None,
    retrofit_types: list[RetrofitType] | None = None,
    department_name: str = "",
    first_name: str = "",
    email: str = "",
    counties: list[County] | None = None,
):
    """Create or update a user with exactly one role (a Django group) and its profile."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    if password is not None:
        user.set_password(password)
    user.first_name = first_name or user.first_name
    user.email = email or user.email
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    user.save()
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.set([group])
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.county = county
    profile.department_name = department_name
    profile.full_clean()
    profile.save()
    profile.retrofit_types.set(retrofit_types or [])
    profile.counties.set(counties or [])
    return user


@dataclass
class TargetsImport:
    changes: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: bool = False
    token: str = ""  # the page's confirm step: which previewed upload the button applies


def _target_changes(plan: Plan, targets: dict[tuple[str, str], TargetValue]) -> list[dict]:
    counties = {c.code: c for c in County.objects.all()}
    types = {t.code: t for t in RetrofitType.objects.all()}
    current = {(t.county.code, t.retrofit_type.code): t for t in plan.targets.select_related("county", "retrofit_type")}
    changes = []
    keys = sorted(
        set(current) | set(targets),
        key=lambda k: (counties[k[0]].order, counties[k[0]].code, types[k[1]].order, types[k[1]].code),
    )
    for county_code, type_code in keys:
        retrofit_type = types[type_code]
        old = target_cell_value(plan, retrofit_type, current.get((county_code, type_code)))
        new_value = targets.get((county_code, type_code))
        new = (new_value.area_m2 if retrofit_type.is_area else new_value.households) if new_value else 0
        if Decimal(old) != Decimal(new):
            changes.append(
                {
                    "county": counties[county_code].name,
                    "county_code": county_code,
                    "type": type_code,
                    "type_name": retrofit_type.name,
                    "old": _number_text(old),
                    "new": _number_text(new),
                }
            )
    return changes


def _number_text(value) -> str:
    value = Decimal(value)
    return format(value.normalize() if value == value.to_integral() else value, "f")


def targets_write(
    *,
    plan: Plan,
    targets: dict[tuple[str, str], TargetValue],
    result: LoadResult,
    by=None,
    effective_period: str | None = None,
    reason: str = "",
    document_number: str = "",
) -> None:
    """Make the plan's targets exactly ``targets`` (the JSON plan file and the workbook both end here).

    A draft's targets are simply replaced: nobody files against them yet. A target of a published or
    closed plan that changes is adjusted through ``target_adjust`` (recorded with ``by``, from
    ``effective_period``, default the current month within the plan), so that earlier months keep the
    target then in force; without ``by`` such a change is refused and nothing is written.
    """
    counties = {c.code: c for c in County.objects.all()}
    types = {t.code: t for t in RetrofitType.objects.all()}
    keep = []
    for (county_code, type_code), value in targets.items():
        retrofit_type = types[type_code]
        area = value.area_m2
        if retrofit_type.unit == Unit.M2 and area is None:
            area = (Decimal(value.households) * plan.m2_per_household).quantize(Decimal("0.01"))
        area = area if retrofit_type.unit == Unit.M2 else None
        lookup = {"plan": plan, "county": counties[county_code], "retrofit_type": retrofit_type}
        existing = None if plan.is_draft else Target.objects.filter(**lookup).select_related("county").first()
        if existing is not None and (existing.households, existing.area_m2) != (value.households, area):
            if by is None:
                raise ValidationError(
                    _(
                        "方案文件改变了已有的目标任务（%(county)s %(type)s：%(old)s → %(new)s 户），须记录调整人：请用 --by 指定操作人的用户名。"
                    )
                    % {
                        "county": existing.county,
                        "type": retrofit_type.name,
                        "old": existing.households,
                        "new": value.households,
                    }
                )
            target_adjust(
                target=existing,
                households=value.households,
                effective_period=effective_period or plan_default_effective_period(plan=plan),
                reason=reason or _("按方案文件更新"),
                document_number=document_number,
                by=by,
            )
            result.count(created=False, changed=True)
            target = existing
        else:
            target = upsert_counted(Target, result, lookup=lookup, values={"households": value.households, "area_m2": area})
        keep.append(target.pk)
    result.deleted += Target.objects.filter(plan=plan).exclude(pk__in=keep).delete()[0]


@transaction.atomic
def plan_targets_import(*, user, plan: Plan, content: bytes, filename: str, dry_run: bool) -> TargetsImport:
    """Read the targets workbook; show every change against the draft's current targets and every error
    by cell; write only when there is no error and ``dry_run`` is off.

    Only a draft's targets are replaced this way: a published plan's targets change through adjustments.
    """
    PlanManagers.check(user)
    plan = _lock(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(
            _("%(year)d年度方案已下达，不能再导入目标任务表；调整目标请走目标调整程序。") % {"year": plan.year}
            if plan.status == PlanStatus.PUBLISHED
            else plan_closed_message(plan)
        )
    try:
        rows = workbook_rows(content=content, filename=filename)
    except WorkbookRefused as exc:
        return TargetsImport(errors=[exc.message])
    parsed = parse_targets_rows(rows, plan=plan)
    if parsed.errors:
        return TargetsImport(errors=parsed.errors)
    outcome = TargetsImport(changes=_target_changes(plan, parsed.targets))
    if not dry_run:
        targets_write(plan=plan, targets=parsed.targets, result=LoadResult())
        outcome.applied = True
    return outcome


@transaction.atomic
def profile_plan_year_set(*, user, plan: Plan) -> None:
    """Remember the year the user chose in the header's year switch (an account without a profile,
    such as a bare superuser, keeps it in its session only)."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        return
    profile.plan_year = plan.year
    profile.full_clean()
    profile.save(update_fields=["plan_year"])
