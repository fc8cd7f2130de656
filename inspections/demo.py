"""Demo field inspections for ``seed_demo --with-progress``: a sample assigned to ``inspector``, some
visits with generated photos, open (and one submitted) rectifications. Deterministic and idempotent:
a plan that already has a sample is left alone."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from counties.models import Plan
from inspections import services
from inspections.models import Sample

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
            user=clerk, plan=plan, pk=first.rectification.pk, note="演示：已恢复使用电采暖设备。", photos=[demo_photo(99)]
        )
    return visits
