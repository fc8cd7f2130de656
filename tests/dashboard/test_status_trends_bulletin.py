import math
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from reports.models import ReportStatus
from tests.dashboard.conftest import TARGETS
from tests.http import expect, html_of

Q = Decimal("0.0001")
ISSUED = date(2021, 6, 8)
DEADLINE = date(2021, 10, 31)


def cells_by_county(grid):
    return {row["county"].code: {c["period"]: c["state"] for c in row["cells"]} for row in grid["rows"]}


def test_the_status_grid_shows_each_countys_state_per_month(web, users, progress_data):
    response = web(users["city"]).get(reverse("status-grid"))
    assert response.status_code == 200
    grid = response.context["grid"]
    assert grid["periods"] == ["2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]
    assert len(grid["rows"]) == 13  # 运城开发区 does not report
    cells = cells_by_county(grid)
    assert cells["140802"]["2021-06"].code == "missing"
    assert cells["140802"]["2021-07"].code == "approved"
    assert cells["140802"]["2021-09"].code == "on_time"
    assert cells["140881"]["2021-08"].code == "late"
    assert cells["140881"]["2021-09"].code == "returned"
    assert cells["140821"]["2021-07"].code == "missing"  # a draft past its deadline is not a report
    assert cells["140821"]["2021-07"].has_draft
    assert cells["140821"]["2021-08"].code == "approved" and cells["140821"]["2021-08"].late
    html = response.content.decode()
    assert f'href="/reports/{progress_data["yongji_08"].pk}/"' in html


def test_completeness_and_timeliness_come_from_submission_times(web, users, progress_data):
    months = {m["period"]: m for m in expect(web(users["city"]).get(reverse("status-grid"))).context["grid"]["months"]}
    # July: 盐湖区, 永济市, 垣曲县 submitted on time; 临猗县's draft was never submitted.
    assert (months["2021-07"]["submitted"], months["2021-07"]["on_time"]) == (3, 3)
    # August: 盐湖区 on time; 永济市 (09-03) and 临猗县 (09-05) late.
    assert (months["2021-08"]["submitted"], months["2021-08"]["on_time"]) == (3, 1)
    assert months["2021-08"]["expected"] == 13
    assert months["2021-08"]["completeness"] == (Decimal(3) / 13).quantize(Q)
    assert months["2021-08"]["timeliness"] == (Decimal(1) / 13).quantize(Q)
    # September: the returned report was submitted (on time) before it was returned.
    assert (months["2021-09"]["submitted"], months["2021-09"]["on_time"]) == (2, 2)
    assert months["2021-06"]["submitted"] == 0 and months["2021-06"]["missing"] == 13


def projected(target, completed, as_of):
    elapsed = (as_of - ISSUED).days
    return ISSUED + timedelta(days=math.ceil(Decimal(target) * elapsed / Decimal(completed)))


def test_trends_project_completion_and_list_counties_that_will_miss_the_deadline_first(web, users, progress_data):
    response = web(users["city"]).get(reverse("trends"), {"period": "2021-08"})
    assert response.status_code == 200
    data = response.context["data"]
    as_of = date(2021, 8, 31)
    total_days = (DEADLINE - ISSUED).days
    by_code = {c["county"].code: c for c in data["counties"]}
    yuhu = by_code["140802"]["projection"]
    assert yuhu["date"] == projected(sum(TARGETS["140802"]), 2100, as_of)
    assert yuhu["misses"]
    at_deadline = Decimal(2100) * total_days / (as_of - ISSUED).days
    assert yuhu["gap"] == int((sum(TARGETS["140802"]) - at_deadline).quantize(Decimal("1")))
    yuanqu = by_code["140827"]["projection"]  # 1200 of 1636 by August: on course
    assert yuanqu["date"] == projected(1636, 1200, as_of) and yuanqu["date"] <= DEADLINE
    assert not yuanqu["misses"]
    order = [c["county"].code for c in data["counties"]]
    assert order[-1] == "140827"  # the only county on course comes after every one that misses
    gaps = [c["projection"]["gap"] for c in data["counties"] if c["projection"]["misses"]]
    assert gaps == sorted(gaps, reverse=True)
    assert order[0] == "140802"  # the biggest gap: 15,731 − 3,625
    assert len(data["missing_deadline"]) == 12


def test_trends_series_are_cumulative_by_month_against_the_straight_line(web, users, progress_data):
    data = expect(web(users["city"]).get(reverse("trends"), {"period": "2021-09"})).context["data"]
    city = {p["period"]: p for p in data["city"]["series"]}
    assert [p["period"] for p in data["city"]["series"]] == ["2021-06", "2021-07", "2021-08", "2021-09"]
    assert city["2021-06"]["cumulative"] == 0
    assert city["2021-07"]["cumulative"] == 1700 + 650 + 1200
    assert city["2021-08"]["cumulative"] == 1700 + 650 + 1200 + 400 + 4000
    assert city["2021-09"]["cumulative"] == city["2021-08"]["cumulative"]  # September's reports are not approved
    # July's plan: 53 of 145 days
    assert city["2021-07"]["planned"] == int((Decimal(89369) * 53 / 145).quantize(Decimal("1"), ROUND_HALF_UP))
    assert city["2021-09"]["planned_rate"] == (Decimal(114 * 100) / 145).quantize(Decimal("0.00000001"))
    yongji = next(c for c in data["counties"] if c["county"].code == "140881")
    assert [p["month"] for p in yongji["series"]] == [0, 650, 0, 0]


def test_the_bulletin_ranks_counties_and_names_late_and_missing_reports(web, users, progress_data):
    response = web(users["city"]).get(reverse("bulletin"), {"period": "2021-08"})
    assert response.status_code == 200
    data = response.context["data"]
    ranking = [(r["rank"], r["county"].code) for r in data["ranking"]]
    # 垣曲县 1200/1636, 临猗县 4000/15878, 盐湖区 2100/15731, 永济市 650/8100, then nine at zero sharing 5th
    assert ranking[:4] == [(1, "140827"), (2, "140821"), (3, "140802"), (4, "140881")]
    assert {rank for rank, _ in ranking[4:]} == {5}
    assert data["table"]["totals"]["total"]["target"] == 89369
    assert data["table"]["totals"]["total"]["completed"] == 1700 + 650 + 1200 + 400 + 4000
    month = data["month"]
    assert [c.code for c in month["late_counties"]] == ["140881", "140821"]
    assert len(month["missing_counties"]) == 10
    assert "140827" in [c.code for c in month["missing_counties"]]
    behind = [r["county"].code for r in data["behind"]]
    assert "140827" not in behind and "140802" in behind
    html = response.content.decode()
    assert "逾期报送：</strong>永济市、临猗县" in html


def test_after_the_deadline_a_draft_counts_as_not_reported_in_the_grid_bulletin_and_county_page(
    web, users, progress_data
):
    # July: 盐湖区, 永济市 and 垣曲县 submitted; 临猗县 only saved a draft, so 13 − 3 = 10 did not report.
    july = expect(web(users["city"]).get(reverse("bulletin"), {"period": "2021-07"}))
    month = july.context["data"]["month"]
    missing = [c.code for c in month["missing_counties"]]
    assert len(missing) == 10 and "140821" in missing
    assert month["unsubmitted_counties"] == []
    html = july.content.decode()
    assert "河津市、临猗县、万荣县" in html.split('id="missing-list"')[1].split("</li>")[0]
    assert 'id="unsubmitted-list"' not in html

    grid = cells_by_county(expect(web(users["city"]).get(reverse("status-grid"))).context["grid"])
    assert grid["140821"]["2021-07"].code == grid["140827"]["2021-06"].code == "missing"

    county = expect(web(users["city"]).get("/counties/140821/", {"period": "2021-10"})).context["data"]
    history = {h["period"]: h["state"].code for h in county["history"]}
    assert history["2021-07"] == "missing"
    assert {r["period"]: r["state"].code for r in county["reports"]}["2021-07"] == "missing"


def test_before_the_deadline_a_draft_is_still_only_not_yet_submitted(plan, users, progress_data):
    from reports.submission_status import public_month_status, status_grid_for_user

    cells = cells_by_county(status_grid_for_user(user=users["city"], plan=plan, today=date(2021, 7, 20)))
    assert cells["140821"]["2021-07"].code == "draft"
    month = public_month_status(plan=plan, period="2021-07", today=date(2021, 7, 20))
    assert "140821" in [c.code for c in month["unsubmitted_counties"]]
    assert month["missing_counties"] == []


def test_the_report_list_marks_an_overdue_draft_as_not_reported(web, users, make_report):
    draft = make_report("140802", "2021-08", {}, status=ReportStatus.DRAFT)
    html = html_of(web(users["clerk"]).get(reverse("report-list")))
    row = html.split(f'data-report="{draft.pk}"')[1].split("</tr>")[0]
    assert "逾期未报" in row


def test_a_clerk_reads_the_city_wide_bulletin_without_links_to_other_counties(web, users, progress_data):
    response = web(users["clerk"]).get(reverse("bulletin"), {"period": "2021-08"})
    assert response.status_code == 200
    data = response.context["data"]
    assert len(data["ranking"]) == 13  # the ranking is public
    assert data["table"]["totals"]["total"]["completed"] == 1700 + 650 + 1200 + 400 + 4000
    html = response.content.decode()
    assert 'href="/counties/140802/' in html  # its own county
    assert 'href="/counties/140881/' not in html
    assert not re.search(r'href="/reports/\d+/', html)  # no link to any report


def test_a_pace_too_slow_to_date_gives_no_date_but_a_gap_and_no_error(plan):
    from reports.dashboard import projection

    result = projection(plan=plan, period="2021-07", target=15731, completed=1)
    assert result["date"] is None and result["misses"] and not result["done"]
    # at 1 household in 53 days, 145 days make 2.7 households
    assert result["gap"] == 15731 - 3


def test_a_county_that_has_reached_its_target_is_done(plan):
    from reports.dashboard import projection

    assert projection(plan=plan, period="2021-08", target=100, completed=120)["done"]
    assert projection(plan=plan, period="2021-08", target=0, completed=0)["no_target"]


def test_months_not_yet_over_are_not_due_rather_than_missing(plan, users, progress_data):
    from reports.submission_status import status_grid_for_user

    grid = status_grid_for_user(user=users["city"], plan=plan, today=date(2021, 9, 15))
    cells = cells_by_county(grid)
    assert cells["140827"]["2021-08"].code == "missing"
    assert cells["140827"]["2021-09"].code == "not_due"
    assert cells["140827"]["2021-10"].code == "not_due"
    months = {m["period"]: m for m in grid["months"]}
    assert months["2021-09"]["missing"] == 0


def test_a_departments_own_narrative_reports_are_not_county_progress(web, users, progress_data):
    from reports.models import Report

    Report.objects.create(
        plan=progress_data["yuhu_07"].plan,
        department="市能源局",
        period="2021-08",
        deadline=date(2021, 8, 31),
        status="approved",
        created_by=users["department"],
    )
    grid = expect(web(users["department"]).get("/dashboard/status/")).context["grid"]
    assert len(grid["rows"]) == 13
    assert grid["months"][2]["submitted"] == 3
    bulletin = expect(web(users["department"]).get("/bulletin/?period=2021-08")).context["data"]
    assert bulletin["month"]["submitted"] == 3
