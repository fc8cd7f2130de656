"""A percentage is rounded once, from the exact ratio, half up (四舍五入)."""

from decimal import Decimal

from counties.templatetags.heating import pct_points
from reports.selectors import percent_of


def test_1200_of_1636_is_73_3_percent_not_the_doubly_rounded_73_4():
    # 1200 / 1636 = 0.733496…: rounded to four places it is 0.7335, which would show as 73.4%.
    assert pct_points(percent_of(1200, 1636)) == "73.3%"


def test_half_a_tenth_rounds_up_as_offices_round():
    assert pct_points(Decimal("12.25")) == "12.3%"
    assert pct_points(percent_of(1, 8)) == "12.5%"
    assert pct_points(percent_of(1, 400)) == "0.3%"


def test_there_is_no_percentage_of_a_zero_target():
    assert percent_of(5, 0) is None
    assert pct_points(None) == "—"


def test_the_report_sheet_and_dashboard_show_the_once_rounded_rate(users, web, make_report):
    # 盐湖区 coal_to_gas target 4,231: 36 households are 0.85086…%, 0.9%; a rate kept to four places
    # (0.0085) and rounded half-even would show 0.8%.
    report = make_report("140802", "2021-07", {("coal_to_gas", "urban"): 36})
    response = web(users["clerk"]).get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    sheet = response.content.decode()
    assert '<span class="rate-value">0.9%</span>' in sheet
