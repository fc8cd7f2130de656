"""Writes of desk-entered spot checks (抽查 recorded afterwards at a desk, not on a phone in the field).

A check is a CheckBatch (county, day, who checked) and a Visit of kind inspection per household,
so that its findings count in the inspections' figures exactly as a field visit's do.
"""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County, Plan
from households import pii
from households.idnumber import normalise_id
from households.selectors import households_for_user, require_writer
from inspections.models import DESK_FINDINGS, CheckBatch, Visit, VisitKind


def desk_visited_at(checked_on: date) -> datetime:
    """The desk form asks for a day, not a time: noon of that day in Yuncheng."""
    return timezone.make_aware(datetime.combine(checked_on, time(12)), timezone.get_default_timezone())


def _resolve_items(*, queryset, county: County, items: list[dict], errors: dict) -> list[tuple]:
    """(household, finding) for each item, by household id or ID number, within ``county``."""
    desk_findings = [f.value for f in DESK_FINDINGS]
    wanted_pks, wanted_ids = set(), set()
    for index, item in enumerate(items):
        if item.get("finding") not in desk_findings:
            errors[f"items.{index}.finding"] = [_("检查结果应为正常使用、改而不用、燃煤复烧或设备已拆除。")]
        if item.get("household"):
            wanted_pks.add(item["household"])
        elif item.get("id_number"):
            wanted_ids.add(pii.id_index(normalise_id(item["id_number"])))
        else:
            errors[f"items.{index}.household"] = [_("请指定改造户。")]
    found = queryset.filter(county=county).filter(pk__in=[p for p in wanted_pks if str(p).isdigit()]) | queryset.filter(
        county=county, id_number_index__in=wanted_ids
    )
    by_pk = {h.pk: h for h in found}
    by_index = {h.id_number_index: h for h in by_pk.values()}
    resolved, seen = [], set()
    for index, item in enumerate(items):
        household = (by_pk.get(int(item["household"])) if str(item.get("household") or "").isdigit() else None) or (
            by_index.get(pii.id_index(normalise_id(item["id_number"]))) if item.get("id_number") else None
        )
        if household is None:
            errors.setdefault(f"items.{index}.household", [_("未找到该改造户（须为本县已登记的改造户）。")])
        elif household.pk in seen:
            errors.setdefault(f"items.{index}.household", [_("同一户在一次抽查中重复。")])
        else:
            seen.add(household.pk)
            resolved.append((household, item.get("finding")))
    return resolved


@transaction.atomic
def spot_check_record(
    *, user, plan: Plan, county_code: str, checked_on: date, inspector: str, items: list[dict], note: str = ""
) -> CheckBatch:
    """Record a desk-entered spot check: the households checked and the finding for each.

    ``items``: ``[{"household": pk or "id_number": "...", "finding": "in_use|idle|coal_resumed|removed"}]``.
    The roster's writers record it (the city office for any county, a clerk for its own), as before
    the spot checks joined the inspections.
    """
    scope = require_writer(user)
    county = County.objects.filter(code=county_code).first()
    if county is None or not scope.allows_county(county.pk):
        raise ValidationError({"county": [_("未知的县（市、区）。")]})
    errors: dict[str, list[str]] = {}
    if not items:
        errors["items"] = [_("请至少填写一户检查结果。")]
    resolved = _resolve_items(
        queryset=households_for_user(user=user, plan=plan), county=county, items=items or [], errors=errors
    )
    batch = CheckBatch(
        plan=plan, county=county, checked_on=checked_on, inspector=(inspector or "").strip(), note=note, created_by=user
    )
    try:
        batch.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if checked_on and checked_on > timezone.localdate():
        errors.setdefault("checked_on", []).append(_("抽查日期不能晚于今天。"))
    if errors:
        raise ValidationError(errors)
    batch.save()
    visited_at = desk_visited_at(checked_on)
    Visit.objects.bulk_create(
        [
            Visit(
                uuid=uuid_lib.uuid4(),
                plan=plan,
                kind=VisitKind.INSPECTION,
                batch=batch,
                household=household,
                county=county,
                finding=finding,
                visited_at=visited_at,
                created_by=user,
            )
            for household, finding in resolved
        ]
    )
    return batch
