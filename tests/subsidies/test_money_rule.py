"""Money follows one rule: whoever may not read subsidies sees no money anywhere.

Departments get 403 on the subsidy pages, so they see no per-household 市级/县级补助 on the roster
(page, API, export) and no payable amounts in reconciliation; a clerk sees its own county's grid
figures and never the city-wide allocated total, which adds up other counties' allocations.
"""

from decimal import Decimal

import pytest

from subsidies.selectors import can_read_subsidies
from subsidies.services import grid_allocation_set
from tests.households.helpers import body_bytes, make_household, read_xlsx
from tests.http import expect, html_of, json_of

pytestmark = pytest.mark.django_db
ROSTER = "/api/v1/plans/2021/households/"
EXPORT = "/api/v1/plans/2021/households/export.xlsx"
RECONCILIATION = "/api/v1/plans/2021/reconciliation/"
GRID = "/api/v1/plans/2021/subsidies/grid/"
MONEY_HEADERS = {"市级补助（元）", "县级补助（元）"}
READERS = {"admin": True, "city": True, "finance": True, "clerk": True, "department": False, "norole": False}


@pytest.fixture
def accepted(plan):
    # Rural coal-to-electricity: 2,100 city + 2,500 county per household.
    return make_household(plan, "140802", "coal_to_electric", 1, status="accepted", area_class="rural")


@pytest.mark.parametrize("role,reads", READERS.items())
def test_the_rule_is_one_helper_that_matches_the_subsidy_api(users, api, role, reads):
    assert can_read_subsidies(users[role]) is reads
    status = api(users[role]).get("/api/v1/plans/2021/subsidies/").status_code
    assert status == (200 if reads else 403)


@pytest.mark.parametrize("role", ["city", "finance", "clerk", "department"])
def test_the_roster_api_carries_subsidies_only_for_those_who_read_subsidies(users, api, accepted, role):
    row = json_of(api(users[role]).get(ROSTER))["results"][0]
    if READERS[role]:
        assert (row["subsidy_city"], row["subsidy_county"]) == ("2100.00", "2500.00")
    else:
        assert "subsidy_city" not in row and "subsidy_county" not in row
    detail = json_of(api(users[role]).get(f"{ROSTER}{accepted.pk}/"))
    assert ("subsidy_city" in detail) is READERS[role]


@pytest.mark.parametrize("role", ["finance", "clerk", "department"])
def test_the_roster_export_has_money_columns_only_for_those_who_read_subsidies(users, api, accepted, role):
    rows = read_xlsx(body_bytes(expect(api(users[role]).get(EXPORT))))
    header = set(rows[0])
    assert bool(header & MONEY_HEADERS) is READERS[role]
    assert len(rows[1]) == len(rows[0])
    if READERS[role]:
        assert rows[1][-2:] == [2100, 2500]
    else:
        assert 2100 not in rows[1] and 2500 not in rows[1]


@pytest.mark.parametrize("role", ["city", "clerk", "department"])
def test_the_roster_page_shows_subsidy_columns_only_to_those_who_read_subsidies(users, web, accepted, role):
    page = html_of(web(users[role]).get("/plans/2021/households/"))
    assert ("市级补助（元）" in page) is READERS[role]
    assert ("2100" in page) is READERS[role]


@pytest.mark.parametrize("role", ["finance", "clerk", "department"])
def test_reconciliation_shows_payable_money_only_to_those_who_read_subsidies(users, api, web, accepted, role):
    body = json_of(api(users[role]).get(RECONCILIATION))
    assert ("payable" in body) is READERS[role]
    if READERS[role]:
        assert body["payable"][0]["total"] == "4600.00"
    page = html_of(web(users[role]).get("/plans/2021/reconciliation/"))
    assert ('id="payable-table"' in page) is READERS[role]
    assert ("4600" in page) is READERS[role]


def test_a_clerk_sees_its_own_grid_allocation_but_not_the_city_wide_allocated_total(users, api, web, plan):
    from counties.models import County

    grid_allocation_set(plan=plan, county=County.objects.get(code="140802"), amount="1000000", actor=users["finance"])
    grid_allocation_set(plan=plan, county=County.objects.get(code="140881"), amount="3000000", actor=users["finance"])
    clerk = json_of(api(users["clerk"]).get(GRID))
    assert "allocated" not in clerk and "unallocated" not in clerk
    assert [(r["county"], r["city_allocated"]) for r in clerk["rows"]] == [("140802", "1000000.00")]
    assert "4000000" not in str(clerk) and "6000000" not in str(clerk)
    page = html_of(web(users["clerk"]).get("/plans/2021/subsidies/"))
    assert 'id="grid-allocated"' not in page and 'id="grid-unallocated"' not in page
    assert "4,000,000" not in page and "6,000,000" not in page

    finance = json_of(api(users["finance"]).get(GRID))
    assert (finance["allocated"], finance["unallocated"]) == ("4000000.00", "6000000.00")
    assert Decimal(finance["city_total"]) == Decimal("10000000")
    assert 'id="grid-allocated"' in html_of(web(users["finance"]).get("/plans/2021/subsidies/"))
