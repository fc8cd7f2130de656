"""The roster summary (``RosterSummary``): households and m² per county × type × area class × status.

Reconciliation and the payable figures read the summary, so they cost the same whatever the roster's
size. Every service that writes the roster (imports, acceptance, payment, the admin's corrections, the
demo data) calls ``summary_recount`` for the counties it touched, inside its own transaction; the
personal-data purge changes none of the counted columns. A county's slice is recounted from the roster
rather than adjusted by deltas: a recount cannot drift, and it costs one grouped read of one county
per write (writes are rare next to reads). The one exception is a create import, which only inserts:
``summary_add`` adds its rows, since a recount would read every household of the counties it touched
(a whole province's for a city-wide file) to count rows the import already holds.

Concurrency: the recount locks the counties' rows (``SELECT … FOR UPDATE``, in id order) after the
roster write and before its read. A second writer of the same county waits for the first to commit,
and its recount (a new statement, so a new snapshot under READ COMMITTED) then sees both writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from counties.models import County
from households.models import Household, RosterSummary

GROUP = ("county_id", "retrofit_type_id", "area_class", "status")


def counted_rows(roster):
    """The roster grouped as the summary keeps it, the completion month included. One grouped read."""
    rows = (
        roster.annotate(month=TruncMonth("completed_on"))
        .values(*GROUP, "month")
        .annotate(n=Count("pk"), m2=Sum("area_m2"))
    )
    for row in rows.order_by():
        row["completed_period"] = row.pop("month").strftime("%Y-%m") if row["month"] else ""
        yield row


@transaction.atomic
def summary_recount(*, plan_id: int, county_ids: Iterable[int] | None = None) -> None:
    """Recount the summary of ``county_ids`` (None: every county) of a plan from the roster."""
    counties = County.objects.select_for_update().order_by("pk")
    if county_ids is not None:
        county_ids = sorted(set(county_ids))
        if not county_ids:
            return
        counties = counties.filter(pk__in=county_ids)
    list(counties.values_list("pk", flat=True))  # take the locks
    roster = Household.objects.filter(plan_id=plan_id)
    summary = RosterSummary.objects.filter(plan_id=plan_id)
    if county_ids is not None:
        roster = roster.filter(county_id__in=county_ids)
        summary = summary.filter(county_id__in=county_ids)
    summary.delete()
    RosterSummary.objects.bulk_create(
        [
            RosterSummary(
                plan_id=plan_id,
                households=row["n"],
                area_m2=row["m2"] or 0,
                completed_period=row["completed_period"],
                **{k: row[k] for k in GROUP},
            )
            for row in counted_rows(roster)
        ]
    )


@transaction.atomic
def summary_add(*, plan_id: int, rows: Iterable[tuple]) -> None:
    """Add newly inserted households to the summary: ``rows`` of (county id, type id, area class, status,
    completion month YYYY-MM or "", m² or None). For a write that only inserts (a create import), where
    a recount would read every household of the counties again. Same locks as ``summary_recount``."""
    added: dict[tuple, list] = {}
    for county_id, type_id, area_class, status, period, area_m2 in rows:
        entry = added.setdefault((county_id, type_id, area_class, status, period), [0, Decimal("0")])
        entry[0] += 1
        entry[1] += area_m2 or 0
    if not added:
        return
    county_ids = sorted({key[0] for key in added})
    list(County.objects.select_for_update().order_by("pk").filter(pk__in=county_ids).values_list("pk", flat=True))
    existing = {
        (row.county_id, row.retrofit_type_id, row.area_class, row.status, row.completed_period): row
        for row in RosterSummary.objects.filter(plan_id=plan_id, county_id__in=county_ids)
    }
    changed, created = [], []
    for key, (households, area_m2) in added.items():
        row = existing.get(key)
        if row is None:
            county_id, type_id, area_class, status, period = key
            created.append(
                RosterSummary(
                    plan_id=plan_id,
                    county_id=county_id,
                    retrofit_type_id=type_id,
                    area_class=area_class,
                    status=status,
                    completed_period=period,
                    households=households,
                    area_m2=area_m2,
                )
            )
        else:
            row.households += households
            row.area_m2 += area_m2
            changed.append(row)
    RosterSummary.objects.bulk_update(changed, ["households", "area_m2"])
    RosterSummary.objects.bulk_create(created)


def roster_recount_matches(*, plan_id: int) -> bool:
    """Whether the stored summary equals a recount of the whole roster (tests, ``rebuild_roster_summary --check``)."""
    keys = (*GROUP, "completed_period")
    stored = {
        tuple(row[k] for k in keys): (row["households"], row["area_m2"])
        for row in RosterSummary.objects.filter(plan_id=plan_id, households__gt=0).values(
            *keys, "households", "area_m2"
        )
    }
    counted = {
        tuple(row[k] for k in keys): (row["n"], row["m2"] or 0)
        for row in counted_rows(Household.objects.filter(plan_id=plan_id))
    }
    return stored == counted
