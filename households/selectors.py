"""Reads of the household roster. All roster scoping lives here, on top of ``scope_for_user``."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from counties.models import County, Plan, RetrofitType, Role
from counties.selectors import plan_counties_for_user, require_role, scope_for_user
from households import pii
from households.models import HARDSHIP_ANY, Hardship, Household, HouseholdStatus, RosterSummary
from subsidies.rates import RatePeriod, rate_in, rate_periods_for_plan, rule_rate
from subsidies.selectors import can_read_subsidies, money

READ_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE, Role.DEPARTMENT, Role.COUNTY_CLERK)
# Roles that record on the roster: the city office for any county, a clerk for its own.
WRITE_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.COUNTY_CLERK)
# Roles that record acceptance (验收): the writers, and third-party acceptors in their engaged counties
# (households_for_user narrows an acceptor to those).
ACCEPT_ROLES = (*WRITE_ROLES, Role.ACCEPTOR)
# Roles allowed to see whole ID numbers and phones (个人信息保护法): in audited exports and the
# audited “show whole ID” action for one household, never on lists.
WHOLE_ID_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE)
# Roles that record subsidy payment (补助已拨付).
PAYMENT_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE)
# Statuses that count as "done" on the roster for reconciliation.
DONE_STATUSES = (HouseholdStatus.COMPLETED, HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)
PAYABLE_STATUSES = (HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)


def require_reader(user):
    return require_role(user, *READ_ROLES)


def require_writer(user):
    return require_role(user, *WRITE_ROLES)


def sees_whole_ids(*, user) -> bool:
    return scope_for_user(user).role in WHOLE_ID_ROLES


REGISTRATION_BATCH = 5000


def roster_registrations(*, plan: Plan, indexes) -> dict[str, tuple[int, str]]:
    """The given blind indexes (``pii.id_index``) that are registered on the plan's roster, city-wide:
    index -> (county id, status). Unscoped on purpose: an import must know whether an ID is registered
    in any county. Callers never show another county's household, only that the ID is taken."""
    return id_numbers_known(plan=plan, indexes=indexes)[0]


def id_numbers_known(*, plan: Plan, indexes) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str, str]]]:
    """Both answers an import needs of its ID numbers, ``(registered, earlier)``: ``roster_registrations``,
    and the IDs whose household completed its retrofit under an earlier plan (the one-time subsidy is
    paid once per household): index -> (plan year, county name, type name), the earliest year.
    "Completed" is a status of ``DONE_STATUSES`` (已完工, 已验收, 已拨付补助) on a plan of an earlier
    year; a household only registered then (已登记) may be registered again.

    One query per REGISTRATION_BATCH indexes for both, served by the unique (id_number_index, plan)
    index: this plan's rows and earlier plans' rows of the same IDs. Memory and time follow the import,
    not the roster.
    """
    years = dict(Plan.objects.filter(year__lte=plan.year).values_list("pk", "year"))
    indexes = list(indexes)
    registered: dict[str, tuple[int, str]] = {}
    earlier: dict[str, tuple[int, str, str]] = {}
    for start in range(0, len(indexes), REGISTRATION_BATCH):
        rows = (
            Household.objects.filter(id_number_index__in=indexes[start : start + REGISTRATION_BATCH], plan_id__in=years)
            .order_by()
            .values_list("id_number_index", "plan_id", "county_id", "status", "county__name", "retrofit_type__name")
        )
        for index, plan_id, county_id, status, county, type_name in rows:
            if plan_id == plan.pk:
                registered[index] = (county_id, status)
            elif status in DONE_STATUSES and (index not in earlier or years[plan_id] < earlier[index][0]):
                earlier[index] = (years[plan_id], county, type_name)
    return registered, earlier


def households_for_user(*, user, plan: Plan | None = None) -> QuerySet[Household]:
    """Every household the user may read: a clerk its own county, a department its own types, else all."""
    scope = scope_for_user(user)
    queryset = Household.objects.all()
    if scope.role is None:
        return queryset.none()
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if scope.county_ids is not None:
        queryset = queryset.filter(county_id__in=scope.county_ids)
    if scope.type_ids is not None:
        queryset = queryset.filter(retrofit_type_id__in=scope.type_ids)
    return queryset


def roster_summary_for_user(*, user, plan: Plan) -> QuerySet[RosterSummary]:
    """The summary rows of the counties and types the user may read (the same scope as ``households_for_user``)."""
    scope = scope_for_user(user)
    queryset = RosterSummary.objects.filter(plan=plan)
    if scope.role is None:
        return queryset.none()
    if scope.county_ids is not None:
        queryset = queryset.filter(county_id__in=scope.county_ids)
    if scope.type_ids is not None:
        queryset = queryset.filter(retrofit_type_id__in=scope.type_ids)
    return queryset


def household_get_for_user(*, user, plan: Plan, pk) -> Household:
    try:
        return households_for_user(user=user, plan=plan).select_related("county", "retrofit_type").get(pk=int(pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该改造户。")) from None


def household_ids_for_user(*, user, plan: Plan, pks) -> list[int]:
    """The posted household ids, checked against the user's scope: 404 if any is malformed or out of scope."""
    try:
        ids = sorted({int(pk) for pk in pks})
    except (ValueError, TypeError):
        raise Http404(_("未找到该改造户。")) from None
    if ids and households_for_user(user=user, plan=plan).filter(pk__in=ids).count() != len(ids):
        raise Http404(_("未找到该改造户。"))
    return ids


# Trigram indexes (households/migrations/0004) serve substring search from three characters on.
TRIGRAM_LENGTH = 3
# A name search gathers at most this many households per searched column (name, village, township)
# before they are put in the roster's order: a common name (李小明 ×900 city-wide) or a surname costs
# the same as a rare one. Narrow by county, village or type to reach households beyond it.
NAME_MATCH_LIMIT = 1000
# Above every code point: ``head_name >= q AND head_name < q + PREFIX_END`` is "starts with q" in
# SQLite's binary collation, a range its btree index serves (its LIKE is case-insensitive and does not).
PREFIX_END = "\U0010ffff"


def _name_prefix(q: str) -> Q:
    if connection.vendor == "sqlite":
        return Q(head_name__gte=q, head_name__lt=q + PREFIX_END)
    # PostgreSQL: LIKE 'q%' on the (plan, head_name) and (plan, county, head_name) varchar_pattern_ops indexes.
    return Q(head_name__startswith=q)


def households_filter(
    queryset: QuerySet[Household],
    *,
    county: str = "",
    type_code: str = "",
    status: str = "",
    q: str = "",
    hardship: str = "",
) -> QuerySet[Household]:
    """The list filters, each one served by an index on PostgreSQL (households/migrations/0004, 0010).

    ``county`` and ``type_code`` are resolved to ids first (one small query each), so that the roster
    query filters and orders on its own columns. ``q``: a whole ID number finds its household through
    the blind index and nothing else; otherwise households whose name starts with ``q`` (a whole name or a
    surname), whose village or township starts with ``q`` (one or two characters: trigrams need three)
    or contains it (three or more), or whose whole phone number matches its blind index. There is no
    partial search on digits: there is nothing to search but hashes.

    A name search is bounded: each column gives at most ``NAME_MATCH_LIMIT`` households (an indexed
    ``LIMIT`` query within the same scope and filters; on PostgreSQL the three are one subquery of the
    page's query), and the page is read from those ids in the roster's order. No search reads or sorts
    every match of a common name.

    ``hardship``: one category, or ``any`` of the three; the exclusion of ``none`` is written out so that
    the query's condition is the partial index's (``household_hardship_order``, migration 0012).
    """
    if hardship:
        queryset = queryset.exclude(hardship=Hardship.NONE)
        if hardship != HARDSHIP_ANY:
            queryset = queryset.filter(hardship=hardship)
    if county:
        queryset = queryset.filter(county_id__in=list(County.objects.filter(code=county).values_list("pk", flat=True)))
    if type_code:
        type_ids = list(RetrofitType.objects.filter(code=type_code).values_list("pk", flat=True))
        queryset = queryset.filter(retrofit_type_id__in=type_ids)
    if status:
        queryset = queryset.filter(status=status)
    q = (q or "").strip()
    if q:
        id_index, phone_index = pii.search_terms(q)
        if id_index:
            return queryset.filter(id_number_index=id_index)
        if len(q) < TRIGRAM_LENGTH:
            places = (Q(village__startswith=q), Q(township__startswith=q))
        else:
            places = (Q(village__icontains=q), Q(township__icontains=q))
        gathered = [
            queryset.filter(condition).order_by().values("pk")[:NAME_MATCH_LIMIT]
            for condition in (_name_prefix(q), *places)
        ]
        if connection.features.supports_slicing_ordering_in_compound:
            # PostgreSQL: one statement, ``id IN ((… LIMIT n) UNION ALL (… LIMIT n) UNION ALL (… LIMIT n))``.
            condition = Q(pk__in=gathered[0].union(*gathered[1:], all=True))
        else:
            # SQLite cannot LIMIT the parts of a UNION: the ids are gathered first (three small queries).
            condition = Q(pk__in=sorted({row["pk"] for part in gathered for row in part}))
        if phone_index:
            condition |= Q(phone_index=phone_index)
        queryset = queryset.filter(condition)
    return queryset


def subsidy_rates(*, plan: Plan) -> dict[tuple[int, str, str], list[RatePeriod]]:
    """The plan's rules with the rate of every month, as the finance view reads them. One query."""
    return rate_periods_for_plan(plan=plan)


def subsidy_rates_for_user(*, user, plan: Plan) -> dict[tuple[int, str, str], list[RatePeriod]] | None:
    """The rates for roster rows, or None for a user who may not read subsidies (``can_read_subsidies``):
    ``household_rows`` then carries no money at all."""
    return subsidy_rates(plan=plan) if can_read_subsidies(user) else None


def household_subsidy(
    rates, *, type_id: int, is_area: bool, area_class: str, area_m2: Decimal | None, month: str | None = None
) -> tuple[Decimal, Decimal]:
    """City and county share for one household: per household, or per m² × area for area types.

    At the rate in force in ``month`` (the month the household was completed; None: the current rate).
    Same rule lookup and rounding as the finance view, so the roster and the subsidy page agree.
    """
    city, county = (
        _rate_in_month(rule_rate(rates, type_id=type_id, area_class=area_class, level=level), month)
        for level in ("city", "county")
    )
    if is_area:
        area = area_m2 or Decimal("0")
        return money(city * area), money(county * area)
    return city, county


def _rate_in_month(runs: list[RatePeriod] | None, month: str | None) -> Decimal:
    if not runs:
        return Decimal("0")
    return runs[-1].amount if month is None else rate_in(runs, month)


LIST_FIELDS = (
    "pk",
    "county_id",
    "county__code",
    "county__name",
    "township",
    "village",
    "head_name",
    "id_number_masked",
    "phone_masked",
    "retrofit_type_id",
    "retrofit_type__code",
    "retrofit_type__name",
    "retrofit_type__unit",
    "area_class",
    "area_m2",
    "completed_on",
    "hardship",
    "note",
    "status",
    "accepted_on",
    "accepted_by",
    "acceptance_result",
)


def household_rows(queryset: QuerySet[Household], *, whole_ids: bool, rates, chunk_size: int = 2000):
    """Plain dicts for lists and exports, streamed in chunks: ``id_number`` and ``phone`` masked, or
    decrypted when ``whole_ids`` (audited exports only: the caller records it).

    ``rates`` None (see ``subsidy_rates_for_user``): the rows have no ``subsidy_city``/``subsidy_county``.
    """
    fields = (*LIST_FIELDS, "pii_cipher") if whole_ids else LIST_FIELDS
    reveal = pii.Revealer() if whole_ids else None
    subsidies: dict[tuple, tuple[Decimal, Decimal]] = {}
    for row in queryset.values(*fields).iterator(chunk_size=chunk_size):
        if reveal is not None:
            row["id_number"], row["phone"] = reveal(row.pop("pii_cipher"))
        else:
            row["id_number"], row["phone"] = row["id_number_masked"], row["phone_masked"]
        if rates is None:
            yield row
            continue
        month = row["completed_on"].strftime("%Y-%m") if row["completed_on"] else None
        key = (row["retrofit_type_id"], row["retrofit_type__unit"], row["area_class"], row["area_m2"], month)
        subsidy = subsidies.get(key)
        if subsidy is None:
            # A handful of distinct (type, area class, area, month) combinations: each computed once per stream.
            subsidy = subsidies[key] = household_subsidy(
                rates, type_id=key[0], is_area=key[1] == "m2", area_class=key[2], area_m2=key[3], month=month
            )
        row["subsidy_city"], row["subsidy_county"] = subsidy
        yield row


def pii_key_missing(queryset: QuerySet[Household]) -> str | None:
    """A key id some household in ``queryset`` is encrypted under that PII_KEYS lacks, else None. One query.

    Checked before a whole-ID export starts streaming, so that a missing key is a clear error, not a cut file.
    """
    rest = queryset.exclude(pii_cipher="")
    for key_id in pii.configured_key_ids():
        rest = rest.exclude(pii_cipher__startswith=f"{key_id}:")
    token = rest.values_list("pii_cipher", flat=True).first()
    return pii.key_id_of(token) if token else None


def reconciliation(*, user, plan: Plan, period: str | None = None) -> dict:
    """Per county × type: units in approved monthly reports vs households on the roster.

    Household types compare households; area types (building_retrofit) compare m². ``roster_done``
    counts completed, accepted and paid households; ``roster_accepted`` accepted and paid. A row's
    ``difference`` is reported − roster_done. Three queries whatever the size: the roster side is read
    from the summary (``RosterSummary``, households/roster_summary.py), never from the roster.
    """
    from reports.selectors import report_units

    scope = scope_for_user(user)
    period = period or plan.last_period
    counties = list(plan_counties_for_user(user=user, plan=plan))
    types = list(RetrofitType.objects.filter(targets__plan=plan).distinct().order_by("order", "code"))
    if scope.type_ids is not None:
        types = [t for t in types if t.pk in scope.type_ids]
    county_ids = [c.pk for c in counties]
    type_ids = [t.pk for t in types]
    reported = report_units(plan=plan, period=period, county_ids=county_ids, type_ids=type_ids)
    roster = (
        RosterSummary.objects.filter(plan=plan, county_id__in=county_ids, retrofit_type_id__in=type_ids)
        .values("county_id", "retrofit_type_id")
        .annotate(
            done=Sum("households", filter=Q(status__in=DONE_STATUSES)),
            accepted=Sum("households", filter=Q(status__in=PAYABLE_STATUSES)),
            done_m2=Sum("area_m2", filter=Q(status__in=DONE_STATUSES)),
            accepted_m2=Sum("area_m2", filter=Q(status__in=PAYABLE_STATUSES)),
        )
        .order_by()
    )
    roster_map = {(r["county_id"], r["retrofit_type_id"]): r for r in roster}
    rows = []
    for county in counties:
        for t in types:
            rep_h = sum(
                (
                    reported[k].households
                    for k in ((county.pk, t.pk, "urban"), (county.pk, t.pk, "rural"))
                    if k in reported
                ),
                0,
            )
            rep_m2 = sum(
                (
                    reported[k].area_m2
                    for k in ((county.pk, t.pk, "urban"), (county.pk, t.pk, "rural"))
                    if k in reported
                ),
                Decimal("0"),
            )
            r = roster_map.get((county.pk, t.pk), {})
            if t.is_area:
                reported_value = rep_m2
                done = r.get("done_m2") or Decimal("0")
                accepted = r.get("accepted_m2") or Decimal("0")
            else:
                reported_value = rep_h
                done = r.get("done") or 0
                accepted = r.get("accepted") or 0
            rows.append(
                {
                    "county": county,
                    "retrofit_type": t,
                    "unit": t.unit,
                    "reported": reported_value,
                    "roster_done": done,
                    "roster_accepted": accepted,
                    "difference": reported_value - done,
                }
            )
    return {"plan": plan, "period": period, "rows": rows, "differences": [r for r in rows if r["difference"] != 0]}


def payable_by_county(*, user, plan: Plan) -> list[dict] | None:
    """Subsidy payable per visible county: accepted (or paid) households only, city and county share.

    Per household for household types, per m² × area for area types, at the plan's rules. Three queries,
    on the roster summary (``RosterSummary``): the same cost whatever the roster's size.
    None for a user who may not read subsidies (no money anywhere for them).
    """
    rates = subsidy_rates_for_user(user=user, plan=plan)
    if rates is None:
        return None
    rows = (
        roster_summary_for_user(user=user, plan=plan)
        .filter(status__in=PAYABLE_STATUSES)
        .values(
            "county_id",
            "county__code",
            "county__name",
            "county__order",
            "retrofit_type_id",
            "area_class",
            "completed_period",
        )
        .annotate(n=Sum("households"), m2=Sum("area_m2"))
        .filter(n__gt=0)
        .order_by("county__order", "county__code")
    )
    area_type_ids = set(RetrofitType.objects.filter(unit="m2").values_list("pk", flat=True))
    result: dict[int, dict] = {}
    for row in rows:
        entry = result.setdefault(
            row["county_id"],
            {
                "county": row["county__code"],
                "county_name": row["county__name"],
                "households": 0,
                "city": Decimal("0.00"),
                "county_share": Decimal("0.00"),
            },
        )
        # Each completion month at the rate in force then (a household completed before a rate
        # change keeps the earlier rate).
        is_area = row["retrofit_type_id"] in area_type_ids
        city, county = household_subsidy(
            rates,
            type_id=row["retrofit_type_id"],
            is_area=is_area,
            area_class=row["area_class"],
            area_m2=row["m2"] if is_area else None,
            month=row["completed_period"] or None,
        )
        if not is_area:
            city, county = city * row["n"], county * row["n"]
        entry["households"] += row["n"]
        entry["city"] += city
        entry["county_share"] += county
    for entry in result.values():
        entry["total"] = entry["city"] + entry["county_share"]
    return list(result.values())
