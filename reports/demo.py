"""Demo progress for ``python manage.py seed_demo --with-progress``: plausible monthly reports.

For the plan's months (2021-06 … 2021-10) every county gets reports whose figures follow its own
pace (some counties ahead, some behind the straight-line schedule): earlier months approved, some
submitted late, the last month a mix of approved, submitted, returned, draft and missing. The
numbers come from a seeded random generator, so two runs give the same data; a county-month that
already has a report is left alone (idempotent).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from counties.models import County, Plan, RetrofitType, Target
from reports.models import Report, ReportAction, ReportEvent, ReportLine, ReportStatus
from reports.periods import period_deadline

TZ = ZoneInfo("Asia/Shanghai")
# Share of the annual target each month, before a county's own pace is applied.
MONTH_SHARES = (Decimal("0.10"), Decimal("0.22"), Decimal("0.25"), Decimal("0.23"), Decimal("0.20"))
# The README's demo clerk (clerk-140802, 盐湖区) must find work waiting right after ``make run``:
# its second-last month returned with a reason to fix, its last month still to file.
DEMO_CLERK_COUNTY = "140802"
URBAN_SHARE = {"coal_to_electric": Decimal("0.3"), "coal_to_gas": Decimal("0.6"), "district_heating": Decimal("0.9")}


def _at(day, hour=10):
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def _status_for(rng: random.Random, index: int, last: bool) -> tuple[str | None, int]:
    """(status or None for missing, days after the deadline it was first submitted; <0 = early)."""
    if not last:
        late = rng.random() < 0.12
        return ReportStatus.APPROVED, rng.randint(1, 6) if late else -rng.randint(0, 5)
    roll = index % 7
    return {
        0: (ReportStatus.APPROVED, -2),
        1: (ReportStatus.SUBMITTED, -1),
        2: (ReportStatus.SUBMITTED, 3),  # late
        3: (ReportStatus.APPROVED, -4),
        4: (ReportStatus.RETURNED, -1),
        5: (ReportStatus.DRAFT, 0),
        6: (None, 0),  # missing
    }[roll]


@transaction.atomic
def seed_progress(*, plan: Plan, seed: int = 2021) -> dict:
    """Create the demo reports; returns how many were created and skipped."""
    rng = random.Random(seed)
    user_model = get_user_model()
    reviewer = (
        user_model.objects.filter(username="city").first() or user_model.objects.filter(is_superuser=True).first()
    )
    if reviewer is None:
        raise ValueError("先运行 seed_demo 创建演示账号。")
    clerks = {u.username: u for u in user_model.objects.filter(username__startswith="clerk-")}
    types = {t.pk: t for t in RetrofitType.objects.all()}
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(plan=plan, households__gt=0).order_by("retrofit_type__order"):
        targets.setdefault(target.county_id, []).append(target)
    existing = set(Report.objects.filter(plan=plan, county__isnull=False).values_list("county_id", "period"))
    periods = plan.periods()
    created = skipped = 0
    counties = County.objects.filter(files_reports=True, pk__in=targets.keys()).order_by("order")
    for index, county in enumerate(counties):
        pace = Decimal(rng.choice(["0.55", "0.7", "0.8", "0.9", "1.0", "1.05", "1.1"]))
        author = clerks.get(f"clerk-{county.code}", reviewer)
        for month_index, period in enumerate(periods):
            last = month_index == len(periods) - 1
            status, days = _status_for(rng, index, last)
            if county.code == DEMO_CLERK_COUNTY and month_index >= len(periods) - 2:
                status, days = (None, 0) if last else (ReportStatus.RETURNED, -1)
            if (county.pk, period) in existing:
                skipped += 1
                continue
            if status is None:
                continue
            deadline = period_deadline(period)
            submitted_at = None if status == ReportStatus.DRAFT else _at(deadline + timedelta(days=days))
            report = Report.objects.create(
                plan=plan,
                county=county,
                period=period,
                deadline=deadline,
                status=status,
                narrative=f"{county.name}{period}清洁取暖改造有序推进，入户施工与验收同步开展。",
                problems="部分村组电网增容进度偏慢，下月协调供电公司加快施工。" if pace < 1 else "",
                return_reason="煤改电农村户数与验收台账不一致，请核实后重新报送。"
                if status == ReportStatus.RETURNED and county.code == DEMO_CLERK_COUNTY
                else "煤改气户数与验收台账不一致，请核实后重新报送。"
                if status == ReportStatus.RETURNED
                else "",
                created_by=author,
                submitted_at=submitted_at,
                last_submitted_at=submitted_at,
                approved_at=submitted_at + timedelta(days=2) if status == ReportStatus.APPROVED else None,
                approved_by=reviewer if status == ReportStatus.APPROVED else None,
            )
            share = MONTH_SHARES[month_index % len(MONTH_SHARES)] * pace
            for target in targets[county.pk]:
                kind = types[target.retrofit_type_id]
                jitter = Decimal(rng.randint(85, 115)) / 100
                households = int(Decimal(target.households) * share * jitter)
                if kind.is_area:
                    ReportLine.objects.create(
                        report=report,
                        retrofit_type=kind,
                        area_class="urban",
                        area_m2=(Decimal(households) * plan.m2_per_household).quantize(Decimal("0.01")),
                    )
                    continue
                urban = int(households * URBAN_SHARE.get(kind.code, Decimal("0.5")))
                for area_class, value in (("urban", urban), ("rural", households - urban)):
                    if value:
                        ReportLine.objects.create(
                            report=report, retrofit_type=kind, area_class=area_class, households=value
                        )
            # The history is dated like the report it tells of (``at`` is auto_now_add: set it after),
            # not on the day the demo was seeded.
            created_on = (submitted_at or _at(deadline)) - timedelta(days=3)
            dated = [
                (
                    ReportEvent.objects.create(report=report, actor=author, action=ReportAction.CREATE, version=1),
                    created_on,
                )
            ]
            if submitted_at:
                event = ReportEvent.objects.create(report=report, actor=author, action=ReportAction.SUBMIT, version=1)
                dated.append((event, submitted_at))
            if status == ReportStatus.APPROVED:
                event = ReportEvent.objects.create(
                    report=report, actor=reviewer, action=ReportAction.APPROVE, version=1
                )
                dated.append((event, report.approved_at))
            if status == ReportStatus.RETURNED:
                event = ReportEvent.objects.create(
                    report=report, actor=reviewer, action=ReportAction.RETURN, reason=report.return_reason, version=1
                )
                dated.append((event, submitted_at + timedelta(days=2)))
            for event, at in dated:
                ReportEvent.objects.filter(pk=event.pk).update(at=at)
            Report.objects.filter(pk=report.pk).update(
                created_at=created_on, updated_at=(report.approved_at or submitted_at or created_on)
            )
            created += 1
    return {"created": created, "skipped": skipped}
