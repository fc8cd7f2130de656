"""A small run of ``bench_scale``: it builds a roster shaped like the annex, times every endpoint and prints the table."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from bench import scale_data
from counties.models import Target
from households import roster_summary
from households.idnumber import id_number_problem
from households.models import Household
from tests import status_guard

pytestmark = pytest.mark.django_db


def test_bench_scale_builds_both_scales_and_prints_one_row_per_endpoint(plan):
    out = io.StringIO()
    call_command(
        "bench_scale",
        "--households",
        "300",
        "--scales",
        "1,2",
        "--repeat",
        "1",
        "--load-seconds",
        "0",
        "--import-rows",
        "0",
        "--no-export",
        stdout=out,
    )
    text = out.getvalue()
    # The command checks the first answer of each endpoint; every timed request must have been a 200 too.
    timed = status_guard.TRACKER.responses()
    assert timed and [r.status_code for r in timed] == [200] * len(timed)
    bench = Household.objects.filter(plan=plan, note=scale_data.NOTE)
    second = Household.objects.filter(plan__year=2022, note=scale_data.NOTE)
    # 300 and then 600 households, spread like the annex targets, all with valid IDs.
    assert abs(bench.count() - 600) <= 15
    by_county = dict(bench.values_list("county__code").annotate(n=Count("pk")))
    targets = dict(Target.objects.filter(plan=plan).values_list("county__code").annotate(n=Sum("households")))
    assert max(by_county, key=by_county.get) == max(targets, key=targets.get)
    assert bench.values("id_number_index").distinct().count() == bench.count()
    # The second plan year holds a roster as large, of other households.
    assert abs(second.count() - 600) <= 15
    assert not second.filter(id_number_index__in=bench.values("id_number_index")).exists()
    # Names repeat as on a real roster: fewer distinct names than households, the commonest among them.
    assert bench.values("head_name").distinct().count() < bench.count()
    assert len(set(scale_data.SURNAMES)) >= 190 and len(set(scale_data.GIVEN)) >= 290
    assert id_number_problem(scale_data.id_number("140802", 7)) is None
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)
    for name in (
        f"roster API ?q={scale_data.COMMON_NAME} (a name held by many, city-wide)",
        f"roster API ?q={scale_data.COMMON_SHORT_NAME}&county=140802 (two-character name, one county)",
        "roster API ?q=<ID number>",
        "reconciliation page",
        "finance subsidies page",
        "roster API ?hardship=dibao (one household in ten)",
        "hardship households per county (API)",
    ):
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert row.count(" ms, ") == 2  # a figure for 1× and for 2×
    check = next(line for line in text.splitlines() if line.startswith("| cross-year check"))
    assert check.count(" ms, 2 q") == 2  # the plan years, then one query for the batch
    assessment = next(line for line in text.splitlines() if line.startswith("| assessment computed"))
    # The same bounded number of queries at 1× and 2×.
    counts = {cell.split(", ")[1] for cell in assessment.split("|")[2:4]}
    assert len(counts) == 1 and assessment.count(" ms, ") == 2
