"""Roster data for ``manage.py bench_scale``: the 2021 annex exactly, times a scale, plus four more plans.

Each annex target (county × type) gets ``households × scale`` households: valid ID numbers (the county's
area code, a birth date and a sequence drawn from a running number, the GB 11643 check character),
sealed by households.pii like an import, a realistic status mix (10 % registered, 40 % completed, 35 %
accepted, 15 % paid), a third urban. Growing from 1× to 10× adds the missing rows, never rewrites.
PostgreSQL: COPY (about 100,000 rows in 2 s plus encryption); SQLite (the smoke test): bulk_create.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction

from counties.models import Plan, Target
from households import pii, roster_summary, roster_writer
from households.idnumber import check_char
from households.models import Household

NOTE = "bench-scale"
ANNEX_TOTAL = 89_369
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "小明建国秀英志强桂兰海燕文华淑珍德玉梅"
VILLAGE_WORDS = "东西南北上下前后大小新老王李张刘赵高"
EXTRA_PLAN_YEARS = (2022, 2023, 2024, 2025)


def extra_plans(plan: Plan) -> list[Plan]:
    """Four more plans with the 2021 targets, so that every query must pick its plan out of five."""
    plans = []
    for year in EXTRA_PLAN_YEARS:
        other, created = Plan.objects.get_or_create(
            year=year,
            defaults={
                "title": f"bench {year}",
                "document_date": plan.document_date.replace(year=year),
                "deadline": plan.deadline.replace(year=year),
                "m2_per_household": plan.m2_per_household,
                "grid_city_total": plan.grid_city_total,
                "grid_county_rate": plan.grid_county_rate,
            },
        )
        if created:
            Target.objects.bulk_create(
                [
                    Target(
                        plan=other,
                        county_id=t.county_id,
                        retrofit_type_id=t.retrofit_type_id,
                        households=t.households,
                        area_m2=t.area_m2,
                    )
                    for t in Target.objects.filter(plan=plan)
                ]
            )
        plans.append(other)
    return plans


def id_number(area: str, n: int) -> str:
    body = f"{area}{date(1940, 1, 1) + timedelta(days=n // 900):%Y%m%d}{n % 900 + 100:03d}"
    return body + check_char(body)


def household_values(
    n: int, *, plan_id: int, county_id: int, area: str, county_name: str, type_id: int, is_area: bool, sealer, now
) -> tuple:
    """One household's INSERT_FIELDS tuple (households.roster_writer), from its running number ``n``."""
    ident, phone = id_number(area, n), f"139{n % 100_000_000:08d}"
    kind = n % 20
    status = "registered" if kind < 2 else "completed" if kind < 10 else "accepted" if kind < 17 else "paid"
    completed = None if status == "registered" else date(2021, 7, 1) + timedelta(days=n % 100)
    accepted = completed + timedelta(days=10) if status in ("accepted", "paid") else None
    return (
        plan_id,
        county_id,
        f"{county_name[:2]}第{n % 12 + 1}镇",
        f"{VILLAGE_WORDS[n // 12 % len(VILLAGE_WORDS)]}{VILLAGE_WORDS[n // 7 % len(VILLAGE_WORDS)]}村",
        # Every surname × given-name pair occurs (李小明 among them): searches find something at any scale.
        SURNAMES[n % len(SURNAMES)] + GIVEN[n // 20 % len(GIVEN)] + GIVEN[n // 400 % len(GIVEN)],
        sealer.cipher(ident, phone),
        pii.id_index(ident),
        pii.phone_index(phone),
        pii.mask_id(ident),
        pii.mask_phone(phone),
        type_id,
        "urban" if n % 3 == 0 else "rural",
        Decimal("96.50") if is_area else None,
        completed,
        "dibao" if n % 10 == 0 else "none",
        NOTE,
        status,
        accepted,
        "第三方评估机构" if accepted else "",
        "passed" if accepted else "",
        accepted + timedelta(days=30) if status == "paid" else None,
        now,
        now,
    )


def _copy(rows) -> None:
    table = connection.ops.quote_name(Household._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(Household._meta.get_field(f).column) for f in roster_writer.INSERT_FIELDS
    )
    buffer = io.StringIO()
    buffer.writelines("\t".join(roster_writer._copy_value(v) for v in values) + "\n" for values in rows)
    buffer.seek(0)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def _bulk_create(rows) -> None:
    Household.objects.bulk_create(
        [
            Household(
                **{
                    (f + "_id" if f in ("plan", "county", "retrofit_type") else f): v
                    for f, v in zip(roster_writer.INSERT_FIELDS, values, strict=True)
                }
            )
            for values in rows
        ],
        batch_size=2000,
    )


@transaction.atomic
def grow(plan: Plan, *, households: int, done: int) -> int:
    """Bring the plan's benchmark roster from ``done`` to ``households`` households (spread like the annex)."""
    from django.utils import timezone

    targets = list(
        Target.objects.filter(plan=plan, households__gt=0)
        .select_related("county", "retrofit_type")
        .order_by("county__order", "retrofit_type__order")
    )
    total = sum(t.households for t in targets)
    sealer, now = pii.Sealer(), timezone.now()
    write = _copy if connection.vendor == "postgresql" else _bulk_create
    # Running numbers continue after the rows already there (``done`` of them, numbered 0 … done − 1).
    batch, n, written = [], done, 0
    for target in targets:
        want = round(target.households * households / total) - round(target.households * done / total)
        for _ in range(max(0, want)):
            batch.append(
                household_values(
                    n,
                    plan_id=plan.pk,
                    county_id=target.county_id,
                    area=target.county.code,
                    county_name=target.county.name,
                    type_id=target.retrofit_type_id,
                    is_area=target.retrofit_type.is_area,
                    sealer=sealer,
                    now=now,
                )
            )
            n += 1
            if len(batch) == 20_000:
                write(batch)
                written += len(batch)
                batch = []
    if batch:
        write(batch)
        written += len(batch)
    roster_summary.summary_recount(plan_id=plan.pk)
    return written


def vacuum() -> None:
    """After a bulk load (outside a transaction): statistics for the planner, and the GIN indexes' pending
    lists merged (autovacuum would do both later; the benchmark should not measure that moment)."""
    if connection.vendor == "postgresql":
        # VACUUM cannot run in a transaction (the smoke test runs in one): ANALYZE alone there.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {connection.ops.quote_name(Household._meta.db_table)}")


def bench_count(plan: Plan) -> int:
    return Household.objects.filter(plan=plan, note=NOTE).count()
