from decimal import Decimal

import pytest

from tests.households.helpers import make_household
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans/2021/reconciliation/"


@pytest.fixture
def data(plan, make_report):
    # 盐湖区 reports 3 rural + 2 urban coal-to-electric (approved, two months), 1 pending that must not count,
    # and 250 m² of building retrofit.
    make_report("140802", "2021-07", {("coal_to_electric", "rural"): 2, ("building_retrofit", "urban"): 250})
    make_report("140802", "2021-08", {("coal_to_electric", "rural"): 1, ("coal_to_electric", "urban"): 2})
    make_report("140802", "2021-09", {("coal_to_electric", "rural"): 7}, status="submitted")
    # roster: 4 coal-to-electric done (1 accepted), 1 only registered; 200 m² of building retrofit.
    make_household(plan, seq=1)
    make_household(plan, seq=2)
    make_household(plan, seq=3, status="accepted")
    make_household(plan, seq=4, status="paid")
    make_household(plan, seq=5, status="registered", completed_on=None)
    make_household(plan, type_code="building_retrofit", seq=6, area_class="urban", area_m2=Decimal("200"))
    # 永济市: roster has a coal-to-gas household its reports never mention
    make_household(plan, "140881", "coal_to_gas", seq=7)


def rows_by_key(body):
    return {(r["county"], r["retrofit_type"]): r for r in body["rows"]}


def test_reported_households_are_compared_with_the_roster_per_county_and_type(api, users, data):
    body = json_of(api(users["city"]).get(URL))
    rows = rows_by_key(body)
    electric = rows[("140802", "coal_to_electric")]
    assert (electric["reported"], electric["roster_done"], electric["roster_accepted"]) == (5, 4, 2)
    assert electric["difference"] == 1
    building = rows[("140802", "building_retrofit")]
    assert building["unit"] == "m2"
    assert Decimal(building["reported"]) == 250 and Decimal(building["roster_done"]) == 200
    assert Decimal(building["difference"]) == 50
    gas = rows[("140881", "coal_to_gas")]
    assert (gas["reported"], gas["roster_done"], gas["difference"]) == (0, 1, -1)
    differences = {(r["county"], r["retrofit_type"]) for r in body["differences"]}
    assert differences == {
        ("140802", "coal_to_electric"),
        ("140802", "building_retrofit"),
        ("140881", "coal_to_gas"),
    }
    assert len(body["rows"]) == 13 * 4


def test_a_period_limits_the_reports_counted(api, users, data):
    rows = rows_by_key(json_of(api(users["city"]).get(URL + "?period=2021-07")))
    assert rows[("140802", "coal_to_electric")]["reported"] == 2
    assert api(users["city"]).get(URL + "?period=July").status_code == 400


def test_a_clerk_sees_its_own_county_and_a_department_its_own_types(api, users, data):
    clerk_rows = json_of(api(users["clerk"]).get(URL))["rows"]
    assert {r["county"] for r in clerk_rows} == {"140802"}
    dept_rows = json_of(api(users["department"]).get(URL))["rows"]
    assert {r["retrofit_type"] for r in dept_rows} == {"coal_to_electric"}


def test_the_reconciliation_uses_a_bounded_number_of_queries(api, users, data, django_assert_max_num_queries):
    # scope, plan, counties, types, reports, roster; payable: rules, area types, accepted households
    with django_assert_max_num_queries(12):
        expect(api(users["city"]).get(URL))


def test_the_page_lists_the_differences(web, users, data):
    response = web(users["city"]).get("/plans/2021/reconciliation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-county="140881" data-type="coal_to_gas" class="diff"' in html


def test_only_accepted_households_count_as_payable(api, users, plan):
    make_household(plan, seq=1, status="accepted", area_class="urban")  # 2,000 + 2,000
    make_household(plan, seq=2, status="paid", area_class="rural")  # 2,100 + 2,500
    make_household(plan, seq=3, status="completed")  # not payable
    make_household(plan, type_code="coal_to_gas", seq=4, status="accepted", area_class="rural")  # 2,800 + 3,500
    make_household(
        plan, type_code="building_retrofit", seq=5, status="accepted", area_class="urban", area_m2=Decimal("100.50")
    )  # 45 and 90 yuan per m²: 4,522.50 + 9,045.00
    payable = json_of(api(users["finance"]).get(URL))["payable"]
    assert payable == [
        {
            "county": "140802",
            "county_name": "盐湖区",
            "households": 4,
            "city": "11422.50",
            "county_share": "17045.00",
            "total": "28467.50",
        }
    ]
    assert json_of(api(users["other_clerk"]).get(URL))["payable"] == []
