"""The subsidies' part of a plan's life (registered with ``counties.plan_hooks``): a new year starts
with the rates of the year it is copied from."""

from __future__ import annotations

from counties.models import Plan
from subsidies.models import SubsidyRule


def subsidy_rules_copy(*, source: Plan, plan: Plan) -> None:
    """Copy ``source``'s rates into the new draft ``plan`` (edited there before it is published)."""
    SubsidyRule.objects.bulk_create(
        SubsidyRule(
            plan=plan, retrofit_type_id=r.retrofit_type_id, area_class=r.area_class, level=r.level, amount=r.amount
        )
        for r in SubsidyRule.objects.filter(plan=source)
    )
