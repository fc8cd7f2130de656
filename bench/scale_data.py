"""Roster data for ``manage.py bench_scale``: the 2021 annex exactly, times a scale, in two plan years.

Each annex target (county × type) gets ``households × scale`` households in 2021, and as many again in
2022 (the 2021 targets, other households: ``SECOND_YEAR_FIRST_NUMBER``); plans 2023–2025 hold targets
only. Valid ID numbers (the county's area code, a birth date and a sequence drawn from a running number,
the GB 11643 check character), sealed by households.pii like an import, names drawn from 200 surnames and
300 given names with a skew (``head_name``: common names repeat, as on a real roster), a realistic status
mix (10 % registered, 40 % completed, 35 % accepted, 15 % paid), a third urban. Growing from 1× to 10×
adds the missing rows, never rewrites. PostgreSQL: COPY (about 100,000 rows in 2 s plus encryption);
SQLite (the smoke test): bulk_create.
"""

from __future__ import annotations

import hashlib
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
# Names drawn like a Chinese roster's: 200 surnames and 300 given names, the first of each list the most
# frequent (a skewed draw, see ``head_name``), so that common names repeat: at 10× the commonest
# three-character name is held by a few thousand households city-wide and a two-character one by
# hundreds in one county, while most names are held by a handful.
SURNAMES = (
    "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦"
)
GIVEN = tuple(
    "伟 秀英 小明 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建国 建华 国强 志强 桂兰 海燕 文华 淑珍 "
    "德玉 玉梅 建军 红梅 春梅 秀珍 丽华 建平 卫东 卫国 志刚 志明 海涛 海波 红霞 晓燕 晓明 晓东 小红 小燕 小平 "
    "丽娟 丽萍 玉兰 玉珍 玉英 凤英 凤兰 金凤 金花 翠花 翠兰 春花 春兰 秋菊 冬梅 雪梅 雪莲 爱国 爱华 爱民 爱萍 "
    "国华 国庆 国平 国栋 国良 振华 振国 振东 振兴 建民 建新 建设 建伟 建忠 建明 建林 建英 永刚 永强 永红 永平 "
    "永胜 永生 永福 永祥 长江 长春 长青 长生 福林 福生 福海 福来 德华 德明 德胜 德福 德成 德才 宝山 宝林 宝华 "
    "宝玉 金山 金龙 金生 金宝 金平 银花 银凤 玉龙 玉华 玉成 玉山 玉林 文明 文斌 文军 文龙 文杰 文静 文娟 文博 "
    "志华 志勇 志军 志伟 志远 志国 志平 志红 红军 红旗 红英 红艳 红兵 红星 海军 海龙 海峰 海滨 海英 海霞 海平 "
    "春生 春雷 春华 春林 春燕 春香 秋生 秋云 秋霞 秋萍 冬生 冬青 学军 学文 学明 学勤 学武 学良 俊杰 俊峰 俊华 "
    "鹏 鹏飞 鹏程 飞 飞龙 龙 虎 豹 亮 辉 斌 波 浩 鑫 宇 昊 晨 阳 凯 健 琳 婷 雪 倩 颖 莹 萍 燕 玲 芳 红 梅 "
    "兰 英 华 珍 凤 花 云 霞飞 荣 彬 彪 博 成 达 东 锋 峰 钢 海 航 和 宏 欢 佳 江 杰华 晶 镜 可 坤 岚 立 林 "
    "龙飞 露 璐 萌 楠 宁 鹏辉 琪 庆 荣华 瑞 森 山 胜 帅 松 涛声 婉 旺 巍 文 希 翔 欣 新 兴 旭 轩 雅 岩 炎 "
    "毅 英杰 勇军 瑜 雨 玉 媛 悦 跃 云峰 泽 真 正 智 中 忠 子豪 梓涵 子轩 浩然 宇轩 欣怡 梓萱 诗涵 一诺 依诺".split()
)
VILLAGE_WORDS = "东西南北上下前后大小新老王李张刘赵高"
EXTRA_PLAN_YEARS = (2022, 2023, 2024, 2025)
# The second plan year with a roster of its own (the 2021 targets again): its households' running numbers
# start here, so that their ID numbers differ from 2021's (born 1955 on instead of 1940 on).
SECOND_YEAR = 2022
SECOND_YEAR_FIRST_NUMBER = 5_000_000


def extra_plans(plan: Plan) -> list[Plan]:
    """Four more plans with the 2021 targets, so that every query must pick its plan out of five."""
    plans = []
    for year in EXTRA_PLAN_YEARS:
        other, created = Plan.objects.get_or_create(
            year=year,
            defaults={
                "title": f"bench {year}",
                "status": "published",
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


def _skewed(n: int, salt: int, size: int, power: float) -> int:
    """A deterministic draw in range(size) from ``n``: u ** power of a hash u in [0, 1), the first indexes likeliest."""
    digest = hashlib.blake2b(f"{salt}:{n}".encode(), digest_size=8).digest()
    u = int.from_bytes(digest) / 2**64
    return min(size - 1, int(size * u**power))


def head_name(n: int) -> str:
    """Household ``n``'s name: a skewed draw of surname and given name (``SURNAMES``, ``GIVEN``)."""
    # 李 about 7 % of households (as in China), the commonest given name about 2 %.
    return SURNAMES[_skewed(n, 1, len(SURNAMES), 2.0)] + GIVEN[_skewed(n, 2, len(GIVEN), 1.5)]


COMMON_NAME = SURNAMES[0] + GIVEN[1]  # 李秀英: the commonest three-character name
COMMON_SHORT_NAME = SURNAMES[0] + GIVEN[0]  # 李伟: the commonest two-character name (and the prefix of 李伟…)


def household_values(
    n: int,
    *,
    plan_id: int,
    county_id: int,
    area: str,
    county_name: str,
    type_id: int,
    is_area: bool,
    sealer,
    now,
    year: int = 2021,
) -> tuple:
    """One household's INSERT_FIELDS tuple (households.roster_writer), from its running number ``n``."""
    ident, phone = id_number(area, n), f"139{n % 100_000_000:08d}"
    kind = n % 20
    status = "registered" if kind < 2 else "completed" if kind < 10 else "accepted" if kind < 17 else "paid"
    completed = None if status == "registered" else date(year, 7, 1) + timedelta(days=n % 100)
    accepted = completed + timedelta(days=10) if status in ("accepted", "paid") else None
    return (
        plan_id,
        county_id,
        f"{county_name[:2]}第{n % 12 + 1}镇",
        f"{VILLAGE_WORDS[n // 12 % len(VILLAGE_WORDS)]}{VILLAGE_WORDS[n // 7 % len(VILLAGE_WORDS)]}村",
        head_name(n),
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
def grow(plan: Plan, *, households: int, done: int, first_number: int = 0) -> int:
    """Bring the plan's benchmark roster from ``done`` to ``households`` households (spread like the annex).

    ``first_number``: where the plan's running numbers start (``SECOND_YEAR_FIRST_NUMBER`` for 2022)."""
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
    batch, n, written = [], first_number + done, 0
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
                    year=plan.year,
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
