"""Acceptance (验收) on the roster: for ticked households, a whole village, or an acceptor's field visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import Plan
from households import roster_summary
from households.models import AcceptanceResult, Household, HouseholdStatus
from households.permissions import RecordsAcceptance
from households.selectors import households_for_user


@transaction.atomic
def households_accept(
    *,
    user,
    plan: Plan,
    accepted_on: date,
    accepted_by: str,
    result: str,
    household_ids: list[int] | None = None,
    county_code: str = "",
    township: str = "",
    village: str = "",
) -> AcceptanceOutcome:
    """Record acceptance (验收) for listed households or a whole village; returns an AcceptanceOutcome.

    Only completed (or already accepted) households can be accepted; a passed result makes them
    accepted (payable), a failed one keeps them completed with the failed result noted. Listed households
    must all qualify; a village takes those that do and reports the others as skipped.
    """
    RecordsAcceptance.check(user)
    queryset = households_for_user(user=user, plan=plan)
    errors = {}
    if result not in AcceptanceResult.values:
        errors["result"] = [_("验收结果应为合格或不合格。")]
    accepted_by = (accepted_by or "").strip()
    if not accepted_by:
        errors["accepted_by"] = [_("请填写验收单位。")]
    elif len(accepted_by) > 100:
        errors["accepted_by"] = [_("不能超过100个字。")]
    if accepted_on is None:
        errors["accepted_on"] = [_("请填写验收日期。")]
    elif accepted_on > timezone.localdate():
        errors["accepted_on"] = [_("验收日期不能晚于今天。")]
    if household_ids:
        targets = queryset.filter(pk__in=household_ids)
        if targets.count() != len(set(household_ids)):
            errors["households"] = [_("部分改造户不存在或不在您的管辖范围内。")]
    elif county_code and township and village:
        targets = queryset.filter(county__code=county_code, township=township, village=village)
        if not targets.exists():
            errors["village"] = [_("该村没有登记的改造户。")]
    else:
        errors["households"] = [_("请选择改造户，或指定县（市、区）、乡镇和村。")]
    if errors:
        raise ValidationError(errors)
    targets = targets.exclude(status=HouseholdStatus.PAID)
    not_done = targets.filter(status=HouseholdStatus.REGISTERED).count()
    late = targets.exclude(status=HouseholdStatus.REGISTERED).filter(completed_on__gt=accepted_on).count()
    if not household_ids:
        # A village is accepted as far as it is finished: one unfinished household must not hold up the
        # rest (issue 13). The households left out are counted so the page can say why.
        skipped = {"not_completed": not_done, "completed_after": late}
        targets = targets.exclude(status=HouseholdStatus.REGISTERED).exclude(completed_on__gt=accepted_on)
        if not targets.exists():
            raise ValidationError({"village": [_("该村没有可验收的改造户：") + acceptance_skipped_text(skipped)]})
    elif not_done:
        # Ticked one by one, every household was chosen on purpose: refuse rather than guess.
        raise ValidationError({"households": [_("有%(n)d户尚未完工（无完工日期），不能验收。") % {"n": not_done}]})
    elif late:
        raise ValidationError({"accepted_on": [_("验收日期不能早于完工日期。")]})
    else:
        skipped = {"not_completed": 0, "completed_after": 0}
    status = HouseholdStatus.ACCEPTED if result == AcceptanceResult.PASSED else HouseholdStatus.COMPLETED
    pks, county_ids = pks_and_counties(targets)
    count = Household.objects.filter(pk__in=pks).update(
        status=status,
        accepted_on=accepted_on,
        accepted_by=accepted_by,
        acceptance_result=result,
        updated_at=timezone.now(),
    )
    roster_summary.summary_recount(plan_id=plan.pk, county_ids=county_ids)
    return AcceptanceOutcome(accepted=count, skipped=skipped)


@dataclass(frozen=True)
class AcceptanceOutcome:
    """What households_accept recorded: ``accepted`` households, and those left out of a village by reason."""

    accepted: int
    skipped: dict

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def message(self) -> str:
        text = _("已记录%(n)d户的验收结果。") % {"n": self.accepted}
        if self.skipped_total:
            text += _("另有%(n)d户未录入：") % {"n": self.skipped_total} + acceptance_skipped_text(self.skipped)
        return text


def acceptance_skipped_text(skipped: dict) -> str:
    parts = []
    if skipped.get("not_completed"):
        parts.append(_("%(n)d户尚未完工（无完工日期）") % {"n": skipped["not_completed"]})
    if skipped.get("completed_after"):
        parts.append(_("%(n)d户完工日期晚于验收日期") % {"n": skipped["completed_after"]})
    return "；".join(parts) + "。"


def pks_and_counties(queryset) -> tuple[list[int], set[int]]:
    """The households' ids and the counties whose summary their change touches. One query."""
    rows = list(queryset.values_list("pk", "county_id"))
    return [pk for pk, _county in rows], {county for _pk, county in rows}
