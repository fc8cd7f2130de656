"""Figures as of a month use the targets in force in that month (issue 19 §3): an adjustment that takes
effect later never changes an earlier month's progress, rates, colouring, ranking or bulletin."""

from decimal import Decimal

import pytest

from counties.models import County, Target
from counties.services import target_adjust
from counties.templatetags.heating import pct_points
from reports.dashboard import bulletin, dashboard_for_user
from reports.selectors import report_sheet


@pytest.fixture
def yuhu_gas(make_report):
    """盐湖区 approved coal_to_gas 1000 (06) + 500 (07) against 4231; 垣曲县 coal_to_electric 150 (06) of 1636."""
    make_report("140802", "2021-06", {("coal_to_gas", "urban"): 1000})
    make_report("140802", "2021-07", {("coal_to_gas", "rural"): 500})
    make_report("140827", "2021-06", {("coal_to_electric", "rural"): 150})
    return Target.objects.get(county__code="140802", retrofit_type__code="coal_to_gas")


def progress(api, user, period):
    response = api(user).get(f"/api/v1/plans/2021/progress/?period={period}")
    assert response.status_code == 200
    return next(r for r in response.json()["rows"] if r["county"] == "140802")


def test_earlier_months_keep_their_progress_and_later_months_use_the_new_target(users, api, yuhu_gas):
    before = progress(api, users["city"], "2021-07")
    # 1500 ÷ 4231 = 0.35453, 1500 ÷ 15731 = 0.09535
    assert (before["types"]["coal_to_gas"]["target"], before["types"]["coal_to_gas"]["rate"]) == (4231, "0.3545")
    assert (before["total"]["target"], before["total"]["rate"]) == (15731, "0.0954")
    adjusted = api(users["city"]).post(
        "/api/v1/plans/2021/targets/adjustments/",
        {
            "county": "140802",
            "type": "coal_to_gas",
            "households": 4031,
            "effective_period": "2021-08",
            "reason": "调剂",
        },
        format="json",
    )
    assert adjusted.status_code == 201
    assert progress(api, users["city"], "2021-07") == before
    assert progress(api, users["clerk"], "2021-06")["types"]["coal_to_gas"]["target"] == 4231
    after = progress(api, users["city"], "2021-08")
    # 1500 ÷ 4031 = 0.37212, 1500 ÷ 15531 = 0.09658
    assert (after["types"]["coal_to_gas"]["target"], after["types"]["coal_to_gas"]["rate"]) == (4031, "0.3721")
    assert (after["total"]["target"], after["total"]["rate"]) == (15531, "0.0966")
    assert progress(api, users["city"], "2021-10")["types"]["coal_to_gas"]["target"] == 4031


def ranking(period):
    return [
        (row["county"].code, row["rank"], row["total"]["rate"])
        for row in bulletin(plan=_plan(), period=period)["ranking"]
    ]


def _plan():
    from counties.models import Plan

    return Plan.objects.get(year=2021)


def test_the_bulletin_and_ranking_of_an_earlier_month_do_not_change_after_an_adjustment(users, yuhu_gas):
    july = bulletin(plan=yuhu_gas.plan, period="2021-07")
    july_ranking = ranking("2021-07")
    # 盐湖区 1500 ÷ 15731 = 9.54 % ahead of 垣曲县 150 ÷ 1636 = 9.17 %
    assert july_ranking[:2] == [("140802", 1, Decimal("0.0954")), ("140827", 2, Decimal("0.0917"))]
    target_adjust(target=yuhu_gas, households=6231, effective_period="2021-08", reason="追加任务", by=users["city"])
    assert ranking("2021-07") == july_ranking
    again = bulletin(plan=yuhu_gas.plan, period="2021-07")
    assert again["table"]["totals"] == july["table"]["totals"]
    assert [r["total"] for r in again["table"]["rows"]] == [r["total"] for r in july["table"]["rows"]]
    # from August 盐湖区 is 1500 ÷ 17731 = 8.46 %, behind 垣曲县
    assert ranking("2021-08")[:2] == [("140827", 1, Decimal("0.0917")), ("140802", 2, Decimal("0.0846"))]
    assert bulletin(plan=yuhu_gas.plan, period="2021-08")["table"]["totals"]["total"]["target"] == 89369 + 2000


def test_the_schedule_colouring_of_an_earlier_month_does_not_change(users, yuhu_gas):
    def yuhu(period):
        table = dashboard_for_user(user=users["city"], plan=yuhu_gas.plan, period=period)
        row = next(r for r in table["rows"] if r["county"].code == "140802")
        return row["types"]["coal_to_gas"]

    july = yuhu("2021-07")
    target_adjust(target=yuhu_gas, households=1400, effective_period="2021-09", reason="核减", by=users["city"])
    assert yuhu("2021-07") == july and yuhu("2021-08")["target"] == 4231
    september = yuhu("2021-09")
    assert september["target"] == 1400 and september["rate"] == Decimal("1.0714")  # 1500 ÷ 1400


def test_the_report_sheet_shows_the_target_in_force_in_the_reports_month(users, yuhu_gas):
    target_adjust(target=yuhu_gas, households=4031, effective_period="2021-08", reason="调剂", by=users["city"])
    yuhu = County.objects.get(code="140802")

    def gas(period):
        sheet = report_sheet(user=users["clerk"], plan=yuhu_gas.plan, county=yuhu, period=period)
        return next(item for item in sheet if item["type"].code == "coal_to_gas")["target"]

    assert (gas("2021-07"), gas("2021-08")) == (4231, 4031)


def test_trend_points_and_the_county_history_use_each_months_target(users, yuhu_gas):
    from reports.dashboard import county_page_for_user, trends_for_user

    target_adjust(target=yuhu_gas, households=4031, effective_period="2021-08", reason="调剂", by=users["city"])
    trends = trends_for_user(user=users["city"], plan=yuhu_gas.plan, period="2021-10")
    yuhu = next(c for c in trends["counties"] if c["county"].code == "140802")
    rates = {point["period"]: pct_points(point["rate"], 2) for point in yuhu["series"]}
    # July: 1500 ÷ 15731 = 9.54 %; from August 1500 ÷ 15531 = 9.66 %
    assert (rates["2021-07"], rates["2021-08"], rates["2021-10"]) == ("9.54%", "9.66%", "9.66%")
    city = {point["period"]: point["rate"] for point in trends["city"]["series"]}
    # 1650 ÷ 89369 = 1.8463 % in July; 1650 ÷ 89169 = 1.8504 % in August
    assert (pct_points(city["2021-07"], 4), pct_points(city["2021-08"], 4)) == ("1.8463%", "1.8504%")
    page = county_page_for_user(user=users["clerk"], plan=yuhu_gas.plan, county=yuhu["county"], period="2021-08")
    history = {h["period"]: pct_points(h["rate_percent"], 2) for h in page["history"]}
    assert (history["2021-07"], history["2021-08"]) == ("9.54%", "9.66%")
    assert [a.new_households for a in page["adjustments"]] == [4031]
