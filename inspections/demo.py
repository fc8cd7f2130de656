"""Demo field inspections for ``seed_demo --with-progress``: a desk-entered spot check per county,
a sample assigned to ``inspector``, some visits with generated photos, open (and one submitted)
rectifications. Deterministic and idempotent: a plan that already has checks or a sample is left alone."""

from __future__ import annotations

import io
import random
import uuid
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from counties.models import Plan
from households.models import Household
from inspections import services
from inspections.models import CheckBatch, Sample, VisitFinding, VisitKind
from inspections.services_spot_checks import desk_visited_at

FINDINGS = ["in_use", "in_use", "idle", "in_use", "coal_resumed", "vacant", "in_use", "removed"]


def demo_photo(n: int) -> ContentFile:
    image = Image.new("RGB", (640, 480), (200 - n * 10 % 120, 210, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((220, 160, 420, 400), fill=(235, 235, 235), outline=(60, 60, 60), width=6)
    draw.rectangle((250, 200, 390, 260), fill=(40, 120, 200))
    draw.text((20, 20), f"demo #{n}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"demo-{n}.jpg")


@transaction.atomic
def seed_inspections(*, plan: Plan) -> int:
    if Sample.objects.filter(plan=plan).exists():
        return 0
    users = get_user_model().objects
    city, inspector, clerk = (users.filter(username=u).first() for u in ("city", "inspector", "clerk-140802"))
    if not (city and inspector):
        return 0
    sample = services.sample_draw(
        user=city,
        plan=plan,
        county_codes=["140802", "140881", "140882"],
        rate="0.2",
        minimum=4,
        household_status="completed",
        seed="demo-2021-12",
        inspectors=[inspector.username],
    )
    entries = list(sample.entries.filter(county__code="140802").order_by("household_id"))
    entries += list(sample.entries.filter(county__code="140881").order_by("household_id"))[:3]
    now = timezone.now()
    visits = 0
    for n, entry in enumerate(entries[: len(FINDINGS)]):
        services.visit_record(
            user=inspector,
            plan=plan,
            uuid=uuid.UUID(int=0xD3E0_0000 + n),
            household_id=entry.household_id,
            finding=FINDINGS[n],
            note="演示：现场核实" if FINDINGS[n] == "in_use" else "演示：已要求整改",
            visited_at=now - timedelta(days=3 + n),
            latitude="35.0263" if n % 3 else None,
            longitude="111.0071" if n % 3 else None,
            photos=[demo_photo(n), demo_photo(n + 10)][: 1 + n % 2],
        )
        visits += 1
    first = sample.visits.filter(rectification__isnull=False).order_by("pk").first()
    if first is not None and clerk is not None:
        services.rectification_resolve(
            user=clerk,
            plan=plan,
            pk=first.rectification.pk,
            note="演示：已恢复使用电采暖设备。",
            photos=[demo_photo(99)],
        )
    return visits


@transaction.atomic
def seed_spot_checks(*, plan: Plan) -> int:
    """One desk-entered spot check per county with a roster: its first five households, checked on
    2021-12-15 by the city office's team (what the roster's demo seeded before the two were one domain)."""
    if CheckBatch.objects.filter(plan=plan).exists():
        return 0
    users = get_user_model().objects
    recorder = users.filter(username="city").first() or users.order_by("pk").first()
    if recorder is None:
        return 0
    rng = random.Random(2021)
    findings = [VisitFinding.IN_USE] * 6 + [VisitFinding.IDLE, VisitFinding.COAL_RESUMED]
    checked_on = date(2021, 12, 15)
    visits = 0
    county_ids = Household.objects.filter(plan=plan).values_list("county_id", flat=True).distinct().order_by()
    for county_id in sorted(county_ids):
        batch = CheckBatch.objects.create(
            plan=plan, county_id=county_id, checked_on=checked_on, inspector="市清洁取暖办督查组", created_by=recorder
        )
        sample = Household.objects.filter(plan=plan, county_id=county_id).order_by("pk")[:5]
        for household in sample:
            batch.visits.create(
                uuid=uuid.UUID(int=0xD3E1_0000_0000 + household.pk),
                plan=plan,
                kind=VisitKind.INSPECTION,
                household=household,
                county_id=county_id,
                finding=rng.choice(findings),
                visited_at=desk_visited_at(checked_on),
                created_by=recorder,
            )
            visits += 1
    return visits
