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
    assert "encrypt " in next(line for line in text.splitlines() if line.startswith("import"))
    assert "decrypt " in next(line for line in text.splitlines() if line.startswith("export"))
    assert Household.objects.count() == 0
