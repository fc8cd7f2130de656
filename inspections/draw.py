"""The sample draw: a pure function of (seed, parameters, roster), so anyone can re-run it.

Per county (by code) and, when stratified, per retrofit type (by code): the population is the
sorted ids of the plan's households in the chosen status. A county takes ceil(rate × N) households,
at least ``minimum`` (at most N); stratified, that number is shared out over the types in
proportion to their size (largest remainder, ties by type code). Each stratum draws with its own
``random.Random("<seed>|<county code>|<type code or *>")`` — Python's string seeding is stable
across versions and platforms — so adding a county to a draw does not change another county's
households.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from households.models import Household


@dataclass(frozen=True)
class DrawParams:
    plan_id: int
    county_ids: tuple[int, ...]
    rate: Decimal
    minimum: int
    household_status: str
    stratify: bool
    seed: str


def county_size(n: int, *, rate: Decimal, minimum: int) -> int:
    return min(n, max(math.ceil(Decimal(n) * rate), minimum))


def _allocate(total: int, strata: list[tuple[str, int]]) -> dict[str, int]:
    """Share ``total`` over strata in proportion to their sizes (largest remainder)."""
    population = sum(size for _code, size in strata)
    if population == 0:
        return {code: 0 for code, _size in strata}
    exact = [(code, Decimal(total) * size / population, size) for code, size in strata]
    result = {code: int(share) for code, share, _size in exact}
    left = total - sum(result.values())
    by_remainder = sorted(exact, key=lambda item: (-(item[1] - int(item[1])), item[0]))
    for code, _share, size in by_remainder:
        if left <= 0:
            break
        if result[code] < size:
            result[code] += 1
            left -= 1
    return result


def roster(params: DrawParams) -> dict[tuple[str, str], list[int]]:
    """The population: {(county code, type code or "*"): sorted household ids}. One query."""
    rows = (
        Household.objects.filter(
            plan_id=params.plan_id, county_id__in=params.county_ids, status=params.household_status
        )
        .values_list("county__code", "retrofit_type__code", "pk")
        .order_by("pk")
    )
    population: dict[tuple[str, str], list[int]] = {}
    for county_code, type_code, pk in rows:
        population.setdefault((county_code, type_code if params.stratify else "*"), []).append(pk)
    return population


def roster_digest(population: dict[tuple[str, str], list[int]]) -> str:
    text = "\n".join(f"{c}|{t}|{','.join(map(str, ids))}" for (c, t), ids in sorted(population.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def draw(params: DrawParams, population: dict[tuple[str, str], list[int]] | None = None) -> list[int]:
    """The drawn household ids, sorted."""
    population = roster(params) if population is None else population
    by_county: dict[str, list[tuple[str, list[int]]]] = {}
    for (county_code, stratum), ids in sorted(population.items()):
        by_county.setdefault(county_code, []).append((stratum, ids))
    chosen: list[int] = []
    for county_code, strata in sorted(by_county.items()):
        n = county_size(sum(len(ids) for _s, ids in strata), rate=params.rate, minimum=params.minimum)
        shares = _allocate(n, [(stratum, len(ids)) for stratum, ids in strata])
        for stratum, ids in strata:
            rng = random.Random(f"{params.seed}|{county_code}|{stratum}")
            chosen.extend(rng.sample(ids, shares[stratum]))
    return sorted(chosen)
