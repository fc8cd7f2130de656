"""Writes of subsidies: rule edits (audited), grid investments and allocations, payments, settlements."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County, Plan
from counties.plan_life import plan_require_writable
from counties.selectors import plan_types, scope_for_user
from counties.services import upsert_counted
from subsidies.exports import subsidy_xlsx_bytes
from subsidies.models import GridAllocation, GridInvestment, Level, Payment, Settlement, SubsidyRule, SubsidyRuleChange
from subsidies.payloads import subsidy_payload
from subsidies.permissions import FinanceOnly, GridInvestmentVoiders, GridInvestors, RuleEditors
from subsidies.rates import rule_periods_of
from subsidies.selectors import (
    ZERO,
    grid_allocated_total,
    money,
    money_str,
    outstanding_for,
    period_parse,
    plan_counties,
    subsidy_compute,
)


def parse_money(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A yuan amount with at most 2 places; ValidationError (400) otherwise."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("请输入有效的金额（元），最多两位小数。")]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [_("请输入有效的金额（元），最多两位小数。")]})
    if amount >= Decimal("1e12") or amount <= Decimal("-1e12"):
        raise ValidationError({field: [_("金额过大。")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("金额最多两位小数。")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("金额不能为负数。") if allow_zero else _("金额应大于 0。")]})
    return amount.quantize(Decimal("0.01"))


def rate_change_clean(*, plan: Plan, effective_from, reason) -> tuple[str, str]:
    """The effective month (a month of the plan) and the reason of a rate change; both required.

    ValidationError (400) with a Chinese message on ``effective_from`` and/or ``reason``.
    """
    errors: dict[str, list[str]] = {}
    month = str(effective_from or "").strip()
    if not month:
        errors["effective_from"] = [_("请选择新标准的生效月份（YYYY-MM）。")]
    else:
        try:
            month = period_parse(plan=plan, value=month, field="effective_from")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写修改原因。")]
    if errors:
        raise ValidationError(errors)
    return month, reason


@transaction.atomic
def subsidy_rule_rate_set(*, rule: SubsidyRule, amount, effective_from, reason, actor) -> SubsidyRule:
    """Set a rule's rate from ``effective_from`` (a month of the plan) on, and record the change.

    The one write of a rate, behind the rules page and API (``subsidy_rule_update``), the admin's
    spreadsheet import and the plan file loader; the role rule is the caller's. Households completed
    in months before ``effective_from`` keep the rate in force then. Frozen settlements are not
    touched. A change that leaves every month's rate as it was records nothing. ``actor`` is None
    for the plan file loader.
    """
    errors: dict[str, list[str]] = {}
    try:
        amount = parse_money(amount, allow_zero=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        effective_from, reason = rate_change_clean(plan=rule.plan, effective_from=effective_from, reason=reason)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    rule = SubsidyRule.objects.select_for_update().select_related("plan").get(pk=rule.pk)
    plan_require_writable(plan=rule.plan)
    runs = rule_periods_of(rule=rule, plan=rule.plan)
    later = [run.amount for run in runs if run.end >= effective_from]
    if all(rate == amount for rate in later):
        return rule
    old = rule.amount
    rule.amount = amount  # the rate of the plan's last month: this change sets every month from its own on
    rule.full_clean()
    rule.save(update_fields=["amount"])
    change = SubsidyRuleChange(
        rule=rule,
        changed_by=actor,
        old_amount=old,
        new_amount=amount,
        effective_from=effective_from,
        reason=reason,
    )
    change.full_clean()
    change.save()
    return rule


def subsidy_rule_update(*, rule: SubsidyRule, amount, effective_from, reason, actor) -> SubsidyRule:
    """Change a rule's rate from a month on (finance bureau or city office only); audited."""
    RuleEditors.check(actor)
    # A closed year says so before anything is checked of the change itself.
    plan_require_writable(plan=rule.plan)
    return subsidy_rule_rate_set(rule=rule, amount=amount, effective_from=effective_from, reason=reason, actor=actor)


@transaction.atomic
def subsidy_rules_load(
    *,
    plan: Plan,
    data,
    types: dict,
    result,
    rates_effective_from: str | None = None,
    rates_reason: str = "",
    **_options,
) -> None:
    """The plan file's subsidy rates (registered with ``counties.plan_hooks``).

    A new rule takes the file's amount for the whole plan. A rule whose amount the file changes goes
    through ``subsidy_rule_rate_set`` like a change on the rules page: from ``rates_effective_from``
    (``load_plan --rates-effective-from``; the plan's first month when not given, so that the file's
    rate applies to every household), with ``rates_reason`` or a note that the file changed it. A
    rule the file no longer lists is removed, as ``plan_load`` does for targets.
    """
    keep = []
    for (type_code, area_class, level), amount in data.subsidy_rules.items():
        lookup = {"plan": plan, "retrofit_type": types[type_code], "area_class": area_class, "level": level}
        rule = SubsidyRule.objects.filter(**lookup).first()
        if rule is None or rule.amount == amount:
            rule = upsert_counted(SubsidyRule, result, lookup=lookup, values={"amount": amount})
        else:
            subsidy_rule_rate_set(
                rule=rule,
                amount=amount,
                effective_from=rates_effective_from or plan.first_period,
                reason=rates_reason or _("实施方案文件重新载入，补助标准随文件调整。"),
                actor=None,
            )
            result.updated += 1
        keep.append(rule.pk)
    result.deleted += SubsidyRule.objects.filter(plan=plan).exclude(pk__in=keep).delete()[0]


def _check_plan_date(plan: Plan, value: date, field: str) -> None:
    if not isinstance(value, date):
        raise ValidationError({field: [_("请输入有效的日期。")]})
    if value.year < plan.year - 1 or value.year > plan.year + 5:
        raise ValidationError({field: [_("日期与本年度方案相差过远，请检查。")]})


@transaction.atomic
def grid_investment_record(
    *, plan: Plan, county: County, project: str, amount, invested_on: date, actor
) -> GridInvestment:
    """A county's grid-retrofit investment: by that county's clerk or by the finance bureau."""
    GridInvestors.check(actor)
    if not scope_for_user(actor).allows_county(county.pk):  # a clerk: its own county only
        raise PermissionDenied(GridInvestors.message)
    plan_require_writable(plan=plan)
    _check_plan_date(plan, invested_on, "invested_on")
    investment = GridInvestment(
        plan=plan,
        county=county,
        project=(project or "").strip(),
        amount=parse_money(amount),
        invested_on=invested_on,
        recorded_by=actor,
    )
    investment.full_clean()
    investment.save()
    return investment


@transaction.atomic
def grid_allocation_set(*, plan: Plan, county: County, amount, actor) -> GridAllocation:
    """Set the city grid support allocated to a county; refused if the allocations would exceed the total."""
    FinanceOnly.check(actor)
    plan_require_writable(plan=plan)
    amount = parse_money(amount, allow_zero=True)
    # Lock the plan row so that two allocations at once cannot both pass the check.
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    others = grid_allocated_total(plan=plan, exclude_county_id=county.pk)
    if others + amount > plan.grid_city_total:
        available = money(plan.grid_city_total - others)
        raise ValidationError(
            {
                "amount": [
                    _("分配后合计将超过市级配套电网补贴总额 %(total)s 元；该县最多还可分配 %(available)s 元。")
                    % {"total": money_str(plan.grid_city_total), "available": money_str(available)}
                ]
            }
        )
    allocation = GridAllocation.objects.filter(plan=plan, county=county).first()
    if allocation is None:
        allocation = GridAllocation(plan=plan, county=county)
    allocation.amount = amount
    allocation.allocated_by = actor
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def payment_record(
    *,
    plan: Plan,
    county: County,
    level: str,
    paid_on: date,
    document_number: str,
    amount,
    actor,
    reason: str = "",
) -> Payment:
    """A disbursement by the finance bureau; more than is outstanding needs a written reason."""
    FinanceOnly.check(actor)
    if level not in Level.values:
        raise ValidationError({"level": [_("出资层级应为 city（市级）或 county（县级）。")]})
    plan_require_writable(plan=plan)
    _check_plan_date(plan, paid_on, "paid_on")
    amount = parse_money(amount)
    reason = (reason or "").strip()
    # Serialise payments of the same plan so that two at once cannot both fit the same outstanding.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    outstanding = outstanding_for(plan=plan, county=county, level=level)
    if amount > outstanding and not reason:
        raise ValidationError(
            {
                "reason": [
                    _("拨付金额 %(amount)s 元超过尚未拨付的 %(outstanding)s 元，请填写超额拨付说明。")
                    % {"amount": money_str(amount), "outstanding": money_str(max(outstanding, ZERO))}
                ]
            }
        )
    payment = Payment(
        plan=plan,
        county=county,
        level=level,
        paid_on=paid_on,
        document_number=(document_number or "").strip(),
        amount=amount,
        reason=reason,
        recorded_by=actor,
    )
    payment.full_clean()
    payment.save()
    return payment


def _void(entry, *, actor, reason: str, already: str):
    """Mark a locked payment or investment as voided; refuse without a reason or when already void."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写作废原因。")]})
    if entry.voided_at is not None:
        raise ValidationError(already)
    entry.voided_at = timezone.now()
    entry.voided_by = actor
    entry.void_reason = reason
    entry.full_clean()
    entry.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return entry


@transaction.atomic
def payment_void(*, payment: Payment, actor, reason: str) -> Payment:
    """Void a mistaken disbursement (finance bureau only). It stays listed; totals no longer count it."""
    FinanceOnly.check(actor)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    plan_require_writable(plan=payment.plan)
    return _void(payment, actor=actor, reason=reason, already=_("该拨付记录已作废，不能重复作废。"))


@transaction.atomic
def grid_investment_void(*, investment: GridInvestment, actor, reason: str) -> GridInvestment:
    """Void a mistaken grid investment (finance bureau, or the clerk of its county)."""
    GridInvestmentVoiders.check(actor)
    if not scope_for_user(actor).allows_county(investment.county_id):  # a clerk: its own county only
        raise PermissionDenied(GridInvestmentVoiders.message)
    investment = GridInvestment.objects.select_for_update().get(pk=investment.pk)
    plan_require_writable(plan=investment.plan)
    return _void(investment, actor=actor, reason=reason, already=_("该配套电网投资记录已作废，不能重复作废。"))


@transaction.atomic
def settlement_create(
    *, plan: Plan, period: str, actor, supersede: bool = False, note: str = "", expected_total: str | None = None
) -> Settlement:
    """Freeze the city-wide subsidy figures as of ``period`` (finance bureau only).

    The figures and the exported workbook are stored; the SHA-256 is of those exact bytes. If a
    current settlement exists it must be superseded explicitly. ``expected_total`` is the total the
    user was shown and confirmed: if the figures changed in between, nothing is stored.

    The workbook is built here, inside the request, not by a background task: its size is bounded by
    the plan (13 counties × the plan's types × 2 area classes, one sheet per county) and its figures
    come from the approved monthly reports, never from the roster, so its time does not grow with the
    roster (48–471 ms, first call cold, 13 counties × 3 approved months on SQLite on the shared 2-core
    machine, 2026-11-24). A task would only add states to handle (a frozen settlement
    without its file or hash yet, a download before the worker ran, a worker that died half-way).
    """
    FinanceOnly.check(actor)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan_require_writable(plan=plan)
    period = period_parse(plan=plan, value=period)
    current = Settlement.objects.filter(plan=plan, superseded_by__isnull=True).defer("xlsx").first()
    if current is not None and not supersede:
        raise ValidationError(
            {
                "supersede": [
                    _("已有截至 %(period)s 的有效结算（#%(id)s）；如需重新结算，请选择取代原结算。")
                    % {"period": current.period, "id": current.pk}
                ]
            }
        )
    counties = list(plan_counties(plan=plan))
    payload = subsidy_payload(subsidy_compute(plan=plan, period=period, counties=counties, types=plan_types(plan=plan)))
    if expected_total is not None and expected_total != payload["totals"]["total"]:
        raise ValidationError(
            {
                "period": [
                    _("核对后补助数字已有变化（现为 %(total)s 元），请重新核对后再确认结算。")
                    % {"total": payload["totals"]["total"]}
                ]
            }
        )
    content = subsidy_xlsx_bytes(payload)
    settlement = Settlement(
        plan=plan,
        period=period,
        figures=payload,
        xlsx=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor,
        note=(note or "").strip(),
    )
    settlement.full_clean()
    settlement.save()
    if current is not None:
        current.superseded_by = settlement
        current.save(update_fields=["superseded_by"])
    return settlement
