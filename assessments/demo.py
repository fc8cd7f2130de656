"""A demo year-end assessment for ``seed_demo --with-progress``: air-quality entries for every assessed
county, the default scheme, one adjustment, published for objection, with one open objection from
万荣县 (140822, the demo clerk with a returned report). Deterministic and idempotent: a plan that
already has an assessment is left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.figures import assessed_counties
from assessments.models import Assessment
from counties.models import County, Plan

OBJECTING_COUNTY = "140822"


@transaction.atomic
def seed_assessment(*, plan: Plan) -> Assessment | None:
    if Assessment.objects.filter(plan=plan).exists():
        return None
    users = get_user_model().objects
    city = users.get(username="city")
    clerk = users.filter(username=f"clerk-{OBJECTING_COUNTY}").first()
    counties = assessed_counties(plan=plan)
    for index, county in enumerate(counties):
        # PM2.5 annual mean (μg/m³) against the county's target: every fourth county misses it.
        target = Decimal("48.0") - index % 3
        value = target + (Decimal("2.5") if index % 4 == 3 else -Decimal(index % 5))
        services.air_quality_set(
            plan=plan,
            county=county,
            value=value,
            target=target,
            source="市生态环境局2021年度监测数据（演示）",
            actor=city,
        )
    as_of = min(date(plan.year, 12, 31), timezone.localdate())
    assessment = services.assessment_create(plan=plan, as_of=as_of, actor=city)
    first = County.objects.filter(pk__in=[c.pk for c in counties]).order_by("order").first()
    services.adjustment_add(
        assessment=assessment,
        county=first,
        points="2",
        reason="清洁取暖工作获省级通报表扬（演示）",
        basis="晋清洁取暖办〔2021〕5号（演示）",
        actor=city,
    )
    services.assessment_publish(assessment=assessment, actor=city)
    if clerk is not None:
        services.objection_file(
            assessment=assessment,
            reason="本县被退回的月报已按要求更正并重新报送，请核实数据质量扣分（演示）。",
            actor=clerk,
        )
    return assessment
