"""Hardship households (困难群众: 建档立卡贫困户、低保户、五保户) and what their county guarantees (兜底).

Reads (``*_for_user``, scoped like the roster) and the one write, ``hardship_guarantee_set``. The
figures per county read only the hardship households, through the partial index
``household_hardship_order``: a few per cent of a province-scale roster, never the whole of it.

- on the roster: hardship households registered in the plan year;
- converted: completed, accepted or paid (the roster's "done" statuses);
- accepted: accepted or paid;
- one-time guarantee due: converted × the county's one-time amount in force; paid: the households whose
  subsidy was paid (status paid) × that amount, since the county pays its guarantee with the subsidy;
- per heating season: converted × the seasonal amount (what one season's guarantee will cost).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from counties.models import County, Plan, Role
from counties.plan_life import plan_require_writable
from counties.selectors import plan_counties_for_user, require_role, scope_for_user
from households.models import Hardship, HardshipGuarantee, Household, HouseholdStatus
from reports.periods import period_deadline
from subsidies.selectors import money
from subsidies.services import parse_money

READ_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE, Role.COUNTY_CLERK)
# A county records its own guarantee; the city office and admin may record it for any county.
WRITE_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.COUNTY_CLERK)
CONVERTED = (HouseholdStatus.COMPLETED, HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)
ACCEPTED = (HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)
ZERO = Decimal("0.00")


def hardship_counties_for_user(*, user, plan: Plan) -> QuerySet[County]:
    """The counties whose hardship figures the user may read: those with a target in the plan, in scope."""
    require_role(user, *READ_ROLES)
    return plan_counties_for_user(user=user, plan=plan)


def guarantees_in_force(*, plan: Plan, county_ids) -> dict[int, HardshipGuarantee]:
    """The latest guarantee of each county (one query)."""
    latest: dict[int, HardshipGuarantee] = {}
    rows = (
        HardshipGuarantee.objects.filter(plan=plan, county_id__in=list(county_ids))
        .select_related("recorded_by")
        .order_by("county_id", "-recorded_at", "-id")
    )
    for row in rows:
        latest.setdefault(row.county_id, row)
    return latest


def hardship_counts(*, plan: Plan, county_ids) -> dict[int, dict[str, int]]:
    """Per county: hardship households on the roster, converted, accepted and paid (one query)."""
    rows = (
        Household.objects.filter(plan=plan, county_id__in=list(county_ids))
        .exclude(hardship=Hardship.NONE)
        .values("county_id")
        .annotate(
            on_roster=Count("id"),
            converted=Count("id", filter=Q(status__in=CONVERTED)),
            accepted=Count("id", filter=Q(status__in=ACCEPTED)),
            paid=Count("id", filter=Q(status=HouseholdStatus.PAID)),
        )
        .order_by()
    )
    return {row.pop("county_id"): row for row in rows}


def hardship_summary_for_user(*, user, plan: Plan) -> dict:
    """Per county in scope and for the city: the hardship households and the guarantee due and paid."""
    counties = list(hardship_counties_for_user(user=user, plan=plan))
    ids = [county.pk for county in counties]
    counts = hardship_counts(plan=plan, county_ids=ids)
    guarantees = guarantees_in_force(plan=plan, county_ids=ids)
    empty = {"on_roster": 0, "converted": 0, "accepted": 0, "paid": 0}
    rows = []
    for county in counties:
        figures = counts.get(county.pk, empty)
        guarantee = guarantees.get(county.pk)
        one_time = guarantee.one_time_extra if guarantee else ZERO
        seasonal = guarantee.seasonal_extra if guarantee else ZERO
        rows.append(
            {
                "county": county,
                **figures,
                "guarantee": guarantee,
                "one_time_due": money(one_time * figures["converted"]),
                "one_time_paid": money(one_time * figures["paid"]),
                "seasonal_due": money(seasonal * figures["converted"]),
            }
        )
    keys = ("on_roster", "converted", "accepted", "paid", "one_time_due", "one_time_paid", "seasonal_due")
    totals = {key: sum((row[key] for row in rows), 0 if key in empty else ZERO) for key in keys}
    return {"plan": plan, "rows": rows, "totals": totals}


def hardship_line(*, plan: Plan, period: str, county: County | None = None, type_ids=None) -> dict[str, int]:
    """The bulletin's and the county page's line 困难群众 N 户，已改造 M 户 (the city's, or one county's):
    converted by the end of ``period`` (their completion date), as the rest of a month's figures.
    ``type_ids``: a department's retrofit types, as the rest of its county page (None: every type)."""
    queryset = Household.objects.filter(plan=plan).exclude(hardship=Hardship.NONE)
    if county is not None:
        queryset = queryset.filter(county=county)
    if type_ids is not None:
        queryset = queryset.filter(retrofit_type_id__in=type_ids)
    done = Q(status__in=CONVERTED, completed_on__lte=period_deadline(period))
    return queryset.aggregate(households=Count("id"), converted=Count("id", filter=done))


def guarantee_history_for_user(*, user, plan: Plan, limit: int = 50) -> list[HardshipGuarantee]:
    """The latest guarantee records of the counties in the user's scope, newest first (the page's history)."""
    counties = hardship_counties_for_user(user=user, plan=plan)
    return list(
        HardshipGuarantee.objects.filter(plan=plan, county__in=counties)
        .select_related("county", "recorded_by")
        .order_by("-recorded_at", "-id")[:limit]
    )


def may_record_guarantee(*, user, county: County) -> bool:
    scope = scope_for_user(user)
    return scope.role in WRITE_ROLES and scope.allows_county(county.pk)


@transaction.atomic
def hardship_guarantee_set(
    *,
    plan: Plan,
    county: County,
    one_time_extra,
    seasonal_extra,
    pays_household_share: bool,
    document_number: str = "",
    note: str = "",
    actor,
) -> HardshipGuarantee:
    """Record the county's guarantee in force from now on (a clerk for its own county, or the city office)."""
    if not may_record_guarantee(user=actor, county=county):
        raise PermissionDenied(_("只有本县（市、区）或市清洁取暖办可以填报困难群众兜底政策。"))
    plan_require_writable(plan=plan)
    if not plan.targets.filter(county=county).exists():
        raise ValidationError({"county": [_("该县（市、区）不在本年度方案中。")]})
    errors: dict[str, list[str]] = {}
    amounts = {}
    for field, value in (("one_time_extra", one_time_extra), ("seasonal_extra", seasonal_extra)):
        try:
            amounts[field] = parse_money(value, field=field, allow_zero=True)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    guarantee = HardshipGuarantee(
        plan=plan,
        county=county,
        pays_household_share=bool(pays_household_share),
        document_number=(document_number or "").strip(),
        note=(note or "").strip(),
        recorded_by=actor,
        **amounts,
    )
    guarantee.full_clean()
    guarantee.save()
    return guarantee


def hardship_sentence(line: dict[str, int]) -> str:
    """The one wording of that line, on the pages and in the bulletin document."""
    return _("困难群众 %(households)s 户，已改造 %(converted)s 户。") % line
