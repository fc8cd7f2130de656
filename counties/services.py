from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from counties.models import County, Plan, PlanStatus, Profile, RetrofitType, Role, Target, Unit
from counties.plan_file import PlanData
from counties.plan_hooks import plan_section_loaders


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


@transaction.atomic
def plan_load(*, data: PlanData) -> tuple[Plan, LoadResult]:
    """Create or bring up to date a plan with its counties, types, targets and subsidy rules.

    Loading the same file twice changes nothing; a target or rule the file no longer lists is
    removed, so that the database says exactly what the file says.
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

    keep_targets = []
    for (county_code, type_code), households in data.targets.items():
        retrofit_type = types[type_code]
        area = (
            (Decimal(households) * plan.m2_per_household).quantize(Decimal("0.01"))
            if retrofit_type.unit == Unit.M2
            else None
        )
        target = upsert_counted(
            Target,
            result,
            lookup={"plan": plan, "county": counties[county_code], "retrofit_type": retrofit_type},
            values={"households": households, "area_m2": area},
        )
        keep_targets.append(target.pk)
    result.deleted += Target.objects.filter(plan=plan).exclude(pk__in=keep_targets).delete()[0]

    # Parts kept by higher apps (the subsidy rates) load through the hooks they registered.
    for load_section in plan_section_loaders():
        load_section(plan=plan, data=data, types=types, result=result)
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
