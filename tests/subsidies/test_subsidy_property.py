"""Property: for random reports, the totals are approved units × the plan's rates, computed here independently."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models import ReportStatus
from tests.http import json_of

# The plan's table (DOMAIN.md), written out here rather than read from the code under test.
RATES = {
    ("coal_to_electric", "urban"): (Decimal("2000"), Decimal("2000")),
    ("coal_to_electric", "rural"): (Decimal("2100"), Decimal("2500")),
    ("coal_to_gas", "urban"): (Decimal("2700"), Decimal("2800")),
    ("coal_to_gas", "rural"): (Decimal("2800"), Decimal("3500")),
    ("building_retrofit", "urban"): (Decimal("45"), Decimal("90")),
    ("building_retrofit", "rural"): (Decimal("45"), Decimal("90")),
    ("district_heating", "urban"): (Decimal("0"), Decimal("0")),
    ("district_heating", "rural"): (Decimal("0"), Decimal("0")),
}
COUNTIES = ["140802", "140881", "140830"]
PERIODS = ["2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]
STATUSES = [
    ReportStatus.APPROVED,
    ReportStatus.APPROVED,
    ReportStatus.SUBMITTED,
    ReportStatus.DRAFT,
    ReportStatus.RETURNED,
]
CENT = Decimal("0.01")


def quantity(type_code):
    if type_code == "building_retrofit":
        return st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
    return st.integers(min_value=0, max_value=20000)


lines = st.fixed_dictionaries(
    {},
    optional={key: quantity(key[0]) for key in RATES},
)
reports = st.dictionaries(
    keys=st.tuples(st.sampled_from(COUNTIES), st.sampled_from(PERIODS)),
    values=st.tuples(st.sampled_from(STATUSES), lines),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports=reports, as_of=st.sampled_from(PERIODS))
def test_totals_equal_approved_units_times_rates(users, api, make_report, reports, as_of):
    savepoint = transaction.savepoint()
    try:
        for (county, period), (status, report_lines) in reports.items():
            make_report(county, period, {key: str(value) for key, value in report_lines.items()}, status=status)
        body = json_of(api(users["finance"]).get("/api/v1/plans/2021/subsidies/", {"period": as_of}))

        expected = {code: [Decimal(0), Decimal(0)] for code in COUNTIES}
        for (county, period), (status, report_lines) in reports.items():
            if status != ReportStatus.APPROVED or period > as_of:
                continue
            for key, value in report_lines.items():
                city_rate, county_rate = RATES[key]
                expected[county][0] += Decimal(value) * city_rate
                expected[county][1] += Decimal(value) * county_rate

        rows = {row["county"]: row for row in body["rows"]}
        for code, (city, county) in expected.items():
            # Rates and m² both have at most 2 places, so sums of exact products are exact here.
            assert rows[code]["city_share"] == str(city.quantize(CENT, ROUND_HALF_UP))
            assert rows[code]["county_share"] == str(county.quantize(CENT, ROUND_HALF_UP))
            assert rows[code]["total"] == str((city + county).quantize(CENT, ROUND_HALF_UP))
        grand_city = sum((v[0] for v in expected.values()), Decimal(0))
        grand_county = sum((v[1] for v in expected.values()), Decimal(0))
        assert body["totals"]["city_share"] == str(grand_city.quantize(CENT))
        assert body["totals"]["county_share"] == str(grand_county.quantize(CENT))
        assert body["totals"]["total"] == str((grand_city + grand_county).quantize(CENT))
    finally:
        transaction.savepoint_rollback(savepoint)
