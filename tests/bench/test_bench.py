import io

import pytest
from django.core.management import call_command

from households.models import Household

pytestmark = pytest.mark.django_db


def test_the_roster_benchmark_runs_at_a_small_size_and_cleans_up(plan):
    out = io.StringIO()
    call_command("bench_roster", rows=500, in_process=True, stdout=out)
    text = out.getvalue()
    for stage in ("import", "update", "export"):
        line = next(line for line in text.splitlines() if line.startswith(stage))
        assert "500 rows" in line and "rows/s" in line and "peak" in line and "encryption" in line
        # Met or not depends on this process (pytest in-process), so only the verdict's presence is checked here.
        assert "goal ≤ " in line and "; load " in line
    assert "encrypt " in next(line for line in text.splitlines() if line.startswith("import"))
    assert "decrypt " in next(line for line in text.splitlines() if line.startswith("export"))
    assert Household.objects.count() == 0


def test_a_stage_over_its_time_or_memory_goal_is_reported_as_not_met():
    from bench.management.commands.bench_roster import goal_verdict

    assert goal_verdict("import", {"seconds": 9.9, "peak_mb": 249}) == "goal ≤ 10 s, < 250 MB: met"
    assert goal_verdict("import", {"seconds": 10.1, "peak_mb": 100}).endswith("NOT MET")
    assert goal_verdict("export", {"seconds": 1, "peak_mb": 150}).endswith("NOT MET")
    assert goal_verdict("update", {"seconds": 19, "peak_mb": 900}) == "goal ≤ 20 s: met"
