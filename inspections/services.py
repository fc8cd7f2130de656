"""Writes of inspections: draw and assign samples, record visits with photos, rectification steps."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County, Plan, Role
from counties.selectors import require_role
from households.models import AcceptanceResult, Household
from inspections import draw as draw_module
from inspections.models import (
    RECTIFY_FINDINGS,
    SAMPLE_STATUSES,
    Photo,
    Rectification,
    RectificationStatus,
    Sample,
    SampleHousehold,
    Visit,
    VisitFinding,
    VisitKind,
)
from inspections.permissions import ClosesRectifications, DrawsSamples, ResolvesRectifications
from inspections.photos import process_upload
from inspections.selectors import (
    OPEN_STATUSES,
    VISIT_WRITE_ROLES,
    rectification_get_for_user,
    task_households_for_user,
    task_sample_for,
)

logger = logging.getLogger(__name__)


def _params(sample: Sample, county_ids) -> draw_module.DrawParams:
    return draw_module.DrawParams(
        plan_id=sample.plan_id,
        county_ids=tuple(sorted(county_ids)),
        rate=sample.rate,
        minimum=sample.minimum,
        household_status=sample.household_status,
        stratify=sample.stratify,
        seed=sample.seed,
    )


def _inspectors(usernames: list[str] | None) -> list:
    if not usernames:
        return []
    users = list(
        get_user_model().objects.filter(username__in=usernames, is_active=True, groups__name=Role.INSPECTOR.value)
    )
    missing = sorted(set(usernames) - {u.username for u in users})
    if missing:
        raise ValidationError({"inspectors": [_("不是检查人员账号：%(names)s") % {"names": "、".join(missing)}]})
    return users


@transaction.atomic
def sample_draw(
    *,
    user,
    plan: Plan,
    county_codes: list[str],
    rate,
    minimum: int,
    household_status: str,
    stratify: bool = False,
    seed: str = "",
    inspectors: list[str] | None = None,
    now: datetime | None = None,
) -> Sample:
    """Draw a frozen sample (city office). Without a seed, the draw time is the seed (and is shown)."""
    DrawsSamples.check(user)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    try:
        rate = Decimal(str(rate))
        if not (Decimal("0") < rate <= Decimal("1")) or rate.as_tuple().exponent < -4:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["rate"] = [_("抽样比例应为 0 到 1 之间的小数（最多4位），如 0.05。")]
    if not isinstance(minimum, int) or minimum < 0 or minimum > 10000:
        errors["minimum"] = [_("最少户数应为 0 到 10000 的整数。")]
    if household_status not in SAMPLE_STATUSES:
        errors["status"] = [_("抽样范围应为已完工、已验收或已拨付补助的改造户。")]
    seed = (seed or "").strip() or now.isoformat()
    if len(seed) > 100:
        errors["seed"] = [_("随机种子不能超过100个字符。")]
    counties = County.objects.filter(files_reports=True)
    if county_codes:
        counties = County.objects.filter(code__in=county_codes)
        unknown = sorted(set(county_codes) - set(counties.values_list("code", flat=True)))
        if unknown:
            errors["counties"] = [_("未知的县（市、区）：%(codes)s") % {"codes": "、".join(unknown)}]
    assigned = _inspectors(inspectors)
    if errors:
        raise ValidationError(errors)
    county_list = list(counties)
    sample = Sample(
        plan=plan,
        rate=rate,
        minimum=minimum,
        household_status=household_status,
        stratify=stratify,
        seed=seed,
        roster_digest="0" * 64,
        created_by=user,
        created_at=now,
    )
    population = draw_module.roster(_params(sample, [c.pk for c in county_list]))
    sample.roster_digest = draw_module.roster_digest(population)
    chosen = draw_module.draw(_params(sample, [c.pk for c in county_list]), population)
    if not chosen:
        raise ValidationError({"counties": [_("所选县（市、区）没有该状态的改造户，无法抽样。")]})
    sample.full_clean(exclude=["created_by"])
    sample.save()
    sample.counties.set(county_list)
    sample.inspectors.set(assigned)
    county_of = dict(Household.objects.filter(pk__in=chosen).values_list("pk", "county_id"))
    SampleHousehold.objects.bulk_create(
        [SampleHousehold(sample=sample, household_id=pk, county_id=county_of[pk]) for pk in chosen]
    )
    return sample


def sample_verify(*, sample: Sample) -> dict:
    """Re-run the draw over today's roster: does it give the stored households?"""
    params = _params(sample, sample.counties.values_list("pk", flat=True))
    population = draw_module.roster(params)
    stored = sorted(sample.entries.values_list("household_id", flat=True))
    return {
        "matches": draw_module.draw(params, population) == stored,
        "roster_unchanged": draw_module.roster_digest(population) == sample.roster_digest,
    }


@transaction.atomic
def sample_assign(*, user, sample: Sample, inspectors: list[str]) -> Sample:
    DrawsSamples.check(user)
    sample.inspectors.set(_inspectors(inspectors))
    return sample


def _decimal(value, field: str, errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[field] = [_("应为数字。")]
        return None


def _store_photos(processed, **owner) -> list[Photo]:
    photos = []
    for item in processed:
        photo = Photo(
            width=item.width,
            height=item.height,
            original_format=item.original_format,
            sha256=item.sha256,
            taken_at=item.taken_at,
            latitude=item.latitude,
            longitude=item.longitude,
            **owner,
        )
        photo.image.save("photo.jpg", item.image, save=False)
        photo.thumbnail.save("thumb.jpg", item.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    return photos


def _delete_files(photos: list[Photo]) -> None:
    for photo in photos:
        for field in (photo.image, photo.thumbnail):
            if field.name:
                field.storage.delete(field.name)


def _process_all(files, *, required: bool) -> list:
    limit = settings.INSPECTION_PHOTOS_PER_VISIT
    if required and not files:
        raise ValidationError({"photos": [_("请至少拍一张照片。")]})
    if len(files) > limit:
        raise ValidationError({"photos": [_("每次最多 %(n)d 张照片。") % {"n": limit}]})
    return [process_upload(f) for f in files]


def visit_record(
    *,
    user,
    plan: Plan,
    uuid,
    household_id,
    finding: str = "",
    acceptance_result: str = "",
    note: str = "",
    visited_at: datetime | None = None,
    latitude=None,
    longitude=None,
    photos=(),
) -> tuple[Visit, bool]:
    """Record a field visit with its photos; returns (visit, created).

    Idempotent on the phone's ``uuid``: the same uuid again returns the stored visit. The visit, its
    photos and a rectification are written together or not at all, so a half-uploaded visit never
    exists; photo files written before a failure are removed.
    """
    scope = require_role(user, *VISIT_WRITE_ROLES)
    existing = Visit.objects.filter(uuid=uuid, created_by=user, plan=plan).first()
    if existing is not None:
        return existing, False
    if Visit.objects.filter(uuid=uuid).exists():
        raise ValidationError({"uuid": [_("该编号已被使用。")]})
    try:
        household = task_households_for_user(user=user, plan=plan).get(pk=int(household_id))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该改造户。")) from None
    errors: dict[str, list[str]] = {}
    kind = VisitKind.ACCEPTANCE if scope.is_acceptor else VisitKind.INSPECTION
    sample = None
    if kind == VisitKind.INSPECTION:
        sample = task_sample_for(user=user, plan=plan, household=household)
        if finding not in VisitFinding.values:
            errors["finding"] = [_("请选择检查结果。")]
        acceptance_result = ""
    else:
        if acceptance_result not in AcceptanceResult.values:
            errors["acceptance_result"] = [_("验收结果应为合格或不合格。")]
        if finding and finding not in VisitFinding.values:
            errors["finding"] = [_("请选择检查结果。")]
    now = timezone.now()
    if visited_at is None:
        visited_at = now
    elif visited_at > now + timedelta(minutes=10):
        errors["visited_at"] = [_("检查时间不能晚于现在。")]
    lat = _decimal(latitude, "latitude", errors)
    lng = _decimal(longitude, "longitude", errors)
    if (lat is None) != (lng is None):
        errors["latitude"] = [_("经纬度须同时提供。")]
    if errors:
        raise ValidationError(errors)
    processed = _process_all(list(photos), required=True)
    position_source = "device" if lat is not None else ""
    if lat is None:
        # No position from the phone: take the first photo's EXIF position, marked as such.
        located = next((p for p in processed if p.latitude is not None and p.longitude is not None), None)
        if located is not None:
            lat, lng, position_source = located.latitude, located.longitude, "exif"
    visit = Visit(
        uuid=uuid,
        plan=plan,
        kind=kind,
        sample=sample,
        household=household,
        county_id=household.county_id,
        finding=finding or "",
        acceptance_result=acceptance_result,
        note=(note or "").strip(),
        visited_at=visited_at,
        latitude=lat,
        longitude=lng,
        position_source=position_source,
        created_by=user,
    )
    visit.full_clean(exclude=["created_by", "uuid"])
    stored: list[Photo] = []
    try:
        with transaction.atomic():
            visit.save()
            stored = _store_photos(processed, visit=visit)
            if kind == VisitKind.INSPECTION and finding in RECTIFY_FINDINGS:
                _rectification_open(visit=visit)
            if kind == VisitKind.ACCEPTANCE:
                _acceptance_apply(user=user, plan=plan, visit=visit)
    except IntegrityError:
        # The same uuid uploaded twice at once: the other request stored it.
        _delete_files(stored)
        existing = Visit.objects.filter(uuid=uuid, created_by=user, plan=plan).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _delete_files(stored)
        raise
    return visit, True


def _acceptance_apply(*, user, plan: Plan, visit: Visit) -> None:
    """Accepted visits set the household's acceptance exactly as the roster's acceptance does."""
    from households.acceptance import households_accept

    profile = getattr(user, "profile", None)
    firm = (profile.department_name if profile else "") or user.get_full_name() or user.username
    households_accept(
        user=user,
        plan=plan,
        accepted_on=timezone.localdate(visit.visited_at),
        accepted_by=firm,
        result=visit.acceptance_result,
        household_ids=[visit.household_id],
    )


def _rectification_open(*, visit: Visit) -> Rectification | None:
    if Rectification.objects.filter(household=visit.household).exclude(status=RectificationStatus.CLOSED).exists():
        # Already being rectified: the new finding is evidence for it, not a second case.
        return None
    item = Rectification(
        plan=visit.plan,
        county_id=visit.county_id,
        household=visit.household,
        visit=visit,
        finding=visit.finding,
        deadline=timezone.localdate(visit.visited_at) + timedelta(days=settings.INSPECTION_RECTIFICATION_DAYS),
    )
    item.full_clean(exclude=["visit", "household", "county", "plan"])
    item.save()
    return item


def _locked(*, user, plan: Plan, pk) -> Rectification:
    item = rectification_get_for_user(user=user, plan=plan, pk=pk)
    return Rectification.objects.select_for_update().get(pk=item.pk)


def rectification_resolve(*, user, plan: Plan, pk, note: str, photos=()) -> Rectification:
    """The county clerk records what was done (note and photos) and submits it to the city."""
    ResolvesRectifications.check(user)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写整改情况。")]})
    if len(note) > 2000:
        raise ValidationError({"note": [_("不能超过2000个字。")]})
    processed = _process_all(list(photos), required=False)
    stored: list[Photo] = []
    try:
        with transaction.atomic():
            item = _locked(user=user, plan=plan, pk=pk)
            if item.status not in OPEN_STATUSES:
                raise ValidationError({"status": [_("该整改事项已提交或已销号。")]})
            item.status = RectificationStatus.SUBMITTED
            item.resolution_note = note
            item.resolved_at = timezone.now()
            item.resolved_by = user
            item.save()
            stored = _store_photos(processed, rectification=item)
    except BaseException:
        _delete_files(stored)
        raise
    return item


@transaction.atomic
def rectification_close(*, user, plan: Plan, pk) -> Rectification:
    """The city office closes (销号) a submitted rectification after its re-visit."""
    ClosesRectifications.check(user)
    item = _locked(user=user, plan=plan, pk=pk)
    if item.status != RectificationStatus.SUBMITTED:
        raise ValidationError({"status": [_("只能对已提交的整改事项销号。")]})
    item.status = RectificationStatus.CLOSED
    item.closed_at = timezone.now()
    item.closed_by = user
    item.save()
    return item


@transaction.atomic
def rectification_return(*, user, plan: Plan, pk, reason: str) -> Rectification:
    """The city office sends a submitted rectification back to the county, with a reason."""
    ClosesRectifications.check(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写退回原因。")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("不能超过500个字。")]})
    item = _locked(user=user, plan=plan, pk=pk)
    if item.status != RectificationStatus.SUBMITTED:
        raise ValidationError({"status": [_("只能退回已提交的整改事项。")]})
    item.status = RectificationStatus.RETURNED
    item.return_reason = reason
    item.save()
    return item
