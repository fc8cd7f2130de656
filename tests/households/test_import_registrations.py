"""An import checks its own IDs against the roster in batches through the blind index, never the whole plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import selectors
from households.models import Household
from tests.households.helpers import make_household, post_import, problems, row, workbook

pytestmark = pytest.mark.django_db


def test_registrations_are_looked_up_in_batches_of_the_imports_own_ids(api, users, plan, monkeypatch):
    monkeypatch.setattr(selectors, "REGISTRATION_BATCH", 2)
    # On the roster: seq 2 in this county, seq 4 in another, and 20 households the import never names.
    make_household(plan, seq=2)
    make_household(plan, "140881", seq=4)
    for seq in range(100, 120):
        make_household(plan, seq=seq)
    with CaptureQueriesContext(connection) as queries:
        response = post_import(api(users["clerk"]), workbook([row(seq) for seq in range(1, 6)]))
    assert response.status_code == 400
    assert [(r, c) for r, c, _m in problems(response)] == [
        (3, "身份证号"),
        (5, "身份证号"),
    ]  # spreadsheet rows: the header is row 1
    assert "更新" in problems(response)[0][2] and "其他县" in problems(response)[1][2]
    lookups = [q["sql"] for q in queries if '"id_number_index" IN' in q["sql"] and "households_household" in q["sql"]]
    assert len(lookups) == 3  # five IDs, two per query, one query for both checks
    unbounded = [
        q["sql"]
        for q in queries
        if 'FROM "households_household"' in q["sql"]
        and "id_number_index" in q["sql"].split("FROM")[0]
        and '"id_number_index" IN' not in q["sql"]
    ]
    assert unbounded == []


def test_an_update_import_in_batches_counts_created_and_updated_rows(api, users, plan, monkeypatch):
    monkeypatch.setattr(selectors, "REGISTRATION_BATCH", 2)
    client = api(users["clerk"])
    assert post_import(client, workbook([row(1), row(3)])).status_code == 201
    response = post_import(client, workbook([row(seq, name=f"新{seq}") for seq in range(1, 6)]), mode="update")
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["updated"]) == (3, 2)
    assert Household.objects.count() == 5
