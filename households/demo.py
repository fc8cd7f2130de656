"""Demo roster for ``seed_demo --with-progress``: a few dozen households per county, so that the
roster, acceptance and reconciliation pages (the spot checks: inspections.demo) have something to show on ``make run``.

Deterministic (seeded) and idempotent: a plan that already has households is left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from counties.models import Plan, Target, Unit
from households import pii, roster_summary
from households.idnumber import check_char
from households.models import Hardship, Household, HouseholdStatus

PER_COUNTY = 24
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡郭何"
GIVEN = "建国秀英志强桂兰海燕文华小明淑珍德明玉梅"
VILLAGES = ("东村", "西村", "南庄", "北庄", "新村")


def _id_number(rng: random.Random, area: str) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
    body = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + check_char(body)


HARDSHIP_CYCLE = (Hardship.POVERTY, Hardship.DIBAO, Hardship.WUBAO)


@transaction.atomic
def seed_roster(*, plan: Plan) -> int:
    if Household.objects.filter(plan=plan).exists():
        return 0
    rng = random.Random(2021)
    targets = Target.objects.filter(plan=plan, households__gt=0).select_related("county", "retrofit_type")
    by_county: dict = {}
    for target in targets:
        by_county.setdefault(target.county, []).append(target.retrofit_type)
    households = []
    used_ids: set[str] = set()
    for county, types in by_county.items():
        for n in range(PER_COUNTY):
            retrofit_type = types[n % len(types)]
            id_number = _id_number(rng, county.code)
            while id_number in used_ids:
                id_number = _id_number(rng, county.code)
            used_ids.add(id_number)
            status = (HouseholdStatus.COMPLETED, HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)[(n // len(types)) % 3]
            completed = date(2021, 7, 1) + timedelta(days=rng.randint(0, 110))
            households.append(
                Household(
                    plan=plan,
                    county=county,
                    township=f"{county.name[:2]}镇",
                    village=VILLAGES[n % len(VILLAGES)],
                    head_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    **pii.seal(id_number, f"139{rng.randint(0, 99_999_999):08d}"),
                    retrofit_type=retrofit_type,
                    area_class="urban" if n % 4 == 0 else "rural",
                    area_m2=Decimal(rng.choice((80, 95, 110, 120))) if retrofit_type.unit == Unit.M2 else None,
                    completed_on=completed,
                    status=status,
                    accepted_on=completed + timedelta(days=14) if status != HouseholdStatus.COMPLETED else None,
                    accepted_by="第三方评估机构" if status != HouseholdStatus.COMPLETED else "",
                    acceptance_result="passed" if status != HouseholdStatus.COMPLETED else "",
                    paid_on=completed + timedelta(days=40) if status == HouseholdStatus.PAID else None,
                    # one household in seven is a hardship household, the three categories in turn
                    hardship=HARDSHIP_CYCLE[(n // 7) % 3] if n % 7 == 3 else Hardship.NONE,
                )
            )
    Household.objects.bulk_create(households)
    roster_summary.summary_recount(plan_id=plan.pk)
    return len(households)


def seed_hardship_guarantee(*, plan: Plan) -> bool:
    """盐湖区's guarantee for its hardship households, recorded by its demo clerk (skipped if any exists)."""
    from django.contrib.auth import get_user_model

    from counties.models import County
    from households.hardship import hardship_guarantee_set
    from households.models import HardshipGuarantee

    clerk = get_user_model().objects.filter(username="clerk-140802").first()
    if clerk is None or HardshipGuarantee.objects.filter(plan=plan).exists():
        return False
    hardship_guarantee_set(
        plan=plan,
        county=County.objects.get(code="140802"),
        one_time_extra="1000",
        seasonal_extra="500",
        pays_household_share=True,
        document_number="盐政办发〔2021〕18号（演示）",
        note="演示数据",
        actor=clerk,
    )
    return True
