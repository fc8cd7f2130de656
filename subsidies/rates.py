"""Subsidy rates: each rule's rate in every month of its plan (a change applies from its month on).

Plain reads with no scoping: the selectors that show rates to a user (``subsidies.selectors``) scope
first. One query for a plan's rules with their changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from counties.models import Plan
from subsidies.models import RuleAreaClass, SubsidyRule


def rules_for_plan(*, plan: Plan) -> dict[tuple[int, str, str], Decimal]:
    """(type id, rule area class, level) -> the current amount (the rate in force in the plan's last
    month; ``rate_periods_for_plan`` has the rate of every month). One query."""
    return {
        (r["retrofit_type_id"], r["area_class"], r["level"]): r["amount"]
        for r in SubsidyRule.objects.filter(plan=plan).values("retrofit_type_id", "area_class", "level", "amount")
    }


def rule_rate(rules, *, type_id: int, area_class: str, level: str) -> Decimal | None:
    """The rate for a line: the area class's own rule, else the ``any`` rule, else None."""
    rate = rules.get((type_id, area_class, level))
    if rate is None:
        rate = rules.get((type_id, RuleAreaClass.ANY.value, level))
    return rate


@dataclass(frozen=True)
class RatePeriod:
    """A rule's rate over a run of months of the plan (both ends included)."""

    start: str
    end: str
    amount: Decimal


def rate_months(*, periods: list[str], base: Decimal, changes) -> list[Decimal]:
    """The rate in each month of ``periods``: ``base``, then each change in the order recorded sets
    its effective month and every later month to its new amount. So the last month's rate is the
    newest change's amount, which is what ``SubsidyRule.amount`` holds."""
    rates = [base] * len(periods)
    for change in changes:
        start = change.effective_from
        if start > periods[-1]:
            continue
        index = next((i for i, p in enumerate(periods) if p >= start), 0)
        rates[index:] = [change.new_amount] * (len(periods) - index)
    return rates


def rate_runs(*, periods: list[str], rates: list[Decimal]) -> list[RatePeriod]:
    """Consecutive months at the same rate, as periods."""
    runs: list[RatePeriod] = []
    for month, rate in zip(periods, rates, strict=True):
        if runs and runs[-1].amount == rate:
            runs[-1] = RatePeriod(runs[-1].start, month, rate)
        else:
            runs.append(RatePeriod(month, month, rate))
    return runs


@dataclass(frozen=True)
class _Change:
    effective_from: str
    old_amount: Decimal
    new_amount: Decimal


def _rule_runs(rule_amount: Decimal, changes: list, periods: list[str]) -> list[RatePeriod]:
    # Before its first change a rule had that change's old amount; without changes, its amount.
    base = changes[0].old_amount if changes else rule_amount
    return rate_runs(periods=periods, rates=rate_months(periods=periods, base=base, changes=changes))


def _rules_with_runs(queryset, periods: list[str]) -> list[tuple[dict, list[RatePeriod]]]:
    """Each rule of ``queryset`` (as a dict) with its rate periods: one query, the rules joined to
    their changes in the order recorded."""
    rows = queryset.values(
        "pk",
        "retrofit_type_id",
        "area_class",
        "level",
        "amount",
        "changes__pk",
        "changes__effective_from",
        "changes__old_amount",
        "changes__new_amount",
    ).order_by("pk", "changes__pk")
    rules: dict[int, tuple[dict, list[_Change]]] = {}
    for row in rows:
        rule, changes = rules.setdefault(row["pk"], (row, []))
        if row["changes__pk"] is not None:
            changes.append(
                _Change(row["changes__effective_from"], row["changes__old_amount"], row["changes__new_amount"])
            )
    return [(rule, _rule_runs(rule["amount"], changes, periods)) for rule, changes in rules.values()]


def rule_periods(*, plan: Plan) -> dict[int, list[RatePeriod]]:
    """Rule id -> its rate periods over the plan's months. One query."""
    return {rule["pk"]: runs for rule, runs in _rules_with_runs(SubsidyRule.objects.filter(plan=plan), plan.periods())}


def rule_periods_of(*, rule: SubsidyRule, plan: Plan) -> list[RatePeriod]:
    """One rule's rate periods (``rule`` read afresh). One query."""
    found = _rules_with_runs(SubsidyRule.objects.filter(pk=rule.pk), plan.periods())
    return found[0][1] if found else []


def rate_periods_for_plan(*, plan: Plan) -> dict[tuple[int, str, str], list[RatePeriod]]:
    """(type id, rule area class, level) -> rate periods. One query."""
    return {
        (rule["retrofit_type_id"], rule["area_class"], rule["level"]): runs
        for rule, runs in _rules_with_runs(SubsidyRule.objects.filter(plan=plan), plan.periods())
    }


def rate_in(runs: list[RatePeriod] | None, month: str) -> Decimal | None:
    """The rate in force in ``month`` (a month before or after the plan: its first or last rate)."""
    if not runs:
        return None
    for run in runs:
        if month <= run.end:
            return run.amount
    return runs[-1].amount
