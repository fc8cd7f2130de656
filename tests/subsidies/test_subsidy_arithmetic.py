from decimal import Decimal

import pytest

from reports.models import ReportStatus
from subsidies.models import SubsidyRule
from tests.http import json_of

URL = "/api/v1/plans/2021/subsidies/"


@pytest.fixture
def worked_example(make_report):
    """DOMAIN.md: 100 urban coal_to_electric households, 50 rural coal_to_gas, 1,000 m² of building retrofit."""
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 60, ("coal_to_gas", "rural"): 20})
    make_report(
        "140802",
        "2021-08",
        {("coal_to_electric", "urban"): 40, ("coal_to_gas", "rural"): 30, ("building_retrofit", "urban"): "1000"},
    )


def row_of(body, code):
    return next(row for row in body["rows"] if row["county"] == code)


def test_the_worked_example_of_domain_md_comes_out_exactly(users, api, worked_example):
    body = json_of(api(users["finance"]).get(URL, {"period": "2021-10"}))
    row = row_of(body, "140802")
    assert row["county_name"] == "盐湖区"
    assert row["city_share"] == "385000.00"
    assert row["county_share"] == "465000.00"
    assert row["total"] == "850000.00"
    assert row["by_type"]["coal_to_electric"]["urban"] == {
        "units": 100,
        "city_share": "200000.00",
        "county_share": "200000.00",
    }
    assert row["by_type"]["coal_to_gas"]["rural"] == {
        "units": 50,
        "city_share": "140000.00",
        "county_share": "175000.00",
    }
    assert row["by_type"]["building_retrofit"]["urban"] == {
        "units": "1000.00",
        "city_share": "45000.00",
        "county_share": "90000.00",
    }
    assert body["totals"] == {"city_share": "385000.00", "county_share": "465000.00", "total": "850000.00"}
    assert body["plan"] == 2021 and body["period"] == "2021-10"


def test_the_response_lists_every_plan_county_with_zeros_where_nothing_was_approved(users, api, worked_example):
    body = json_of(api(users["city"]).get(URL, {"period": "2021-10"}))
    assert len(body["rows"]) == 13
    yongji = row_of(body, "140881")
    assert yongji["total"] == "0.00"
    assert yongji["by_type"]["coal_to_electric"]["rural"] == {"units": 0, "city_share": "0.00", "county_share": "0.00"}


def test_district_heating_has_no_rule_and_contributes_nothing(users, api, make_report):
    make_report("140802", "2021-07", {("district_heating", "urban"): 500, ("district_heating", "rural"): 20})
    body = json_of(api(users["finance"]).get(URL, {"period": "2021-10"}))
    row = row_of(body, "140802")
    assert row["by_type"]["district_heating"]["urban"] == {"units": 500, "city_share": "0.00", "county_share": "0.00"}
    assert row["total"] == "0.00"
    district = next(t for t in body["types"] if t["code"] == "district_heating")
    assert district["has_rule"] is False


def test_only_approved_reports_count(users, api, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    for status, period in (
        (ReportStatus.SUBMITTED, "2021-08"),
        (ReportStatus.DRAFT, "2021-09"),
        (ReportStatus.RETURNED, "2021-10"),
    ):
        make_report("140802", period, {("coal_to_electric", "urban"): 1000}, status=status)
    row = row_of(json_of(api(users["finance"]).get(URL, {"period": "2021-10"})), "140802")
    assert row["by_type"]["coal_to_electric"]["urban"]["units"] == 10
    assert row["city_share"] == "20000.00" and row["county_share"] == "20000.00"


def test_the_as_of_period_leaves_out_later_months(users, api, worked_example):
    row = row_of(json_of(api(users["finance"]).get(URL, {"period": "2021-07"})), "140802")
    # July only: 60 urban coal_to_electric, 20 rural coal_to_gas.
    assert row["city_share"] == format(Decimal(60 * 2000 + 20 * 2800), ".2f")
    assert row["county_share"] == format(Decimal(60 * 2000 + 20 * 3500), ".2f")


def test_the_per_m2_rule_applies_to_urban_and_rural_square_metres(users, api, make_report):
    make_report("140802", "2021-07", {("building_retrofit", "urban"): "100.50", ("building_retrofit", "rural"): "200"})
    row = row_of(json_of(api(users["finance"]).get(URL, {"period": "2021-07"})), "140802")
    assert row["by_type"]["building_retrofit"]["urban"]["city_share"] == "4522.50"  # 100.5 × 45
    assert row["by_type"]["building_retrofit"]["rural"]["county_share"] == "18000.00"  # 200 × 90
    assert row["city_share"] == "13522.50"


def test_rates_come_from_the_database_so_a_changed_rule_changes_the_totals(users, api, worked_example):
    rule = SubsidyRule.objects.get(
        plan__year=2021, retrofit_type__code="coal_to_electric", area_class="urban", level="city"
    )
    rule.amount = Decimal("2500.00")
    rule.save()
    row = row_of(json_of(api(users["finance"]).get(URL, {"period": "2021-10"})), "140802")
    assert row["city_share"] == "435000.00"  # 385,000 + 100 × 500


@pytest.mark.parametrize("period", ["2021-13", "2021-7", "abc", "2020-12", "2021-11", "2022-01", " "])
def test_a_bad_period_is_a_400_in_the_common_error_shape(users, api, period):
    response = api(users["finance"]).get(URL, {"period": period})
    if period.strip() == "":
        assert response.status_code == 200  # empty means the default month
        return
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "period" in body["errors"]


def test_an_unknown_plan_is_a_404(users, api):
    assert api(users["finance"]).get("/api/v1/plans/1999/subsidies/").status_code == 404


def test_the_subsidy_api_runs_a_bounded_number_of_queries(users, api, make_report, django_assert_max_num_queries):
    for code in ("140802", "140881", "140882"):
        for period in ("2021-06", "2021-07", "2021-08"):
            make_report(code, period, {("coal_to_electric", "urban"): 5, ("building_retrofit", "rural"): "10"})
    client = api(users["finance"])
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"period": "2021-10"}).status_code == 200
