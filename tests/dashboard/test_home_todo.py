"""Home pages start with the user's to-do list (issue 13, item 10)."""

from datetime import date

from reports.models import ReportStatus
from tests.http import expect
from yuncheng_heating.home import city_todo, filer_todo

PERIODS = ["2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]


def test_a_clerks_home_lists_returned_reports_with_their_reasons_then_the_months_to_file(web, users, make_report):
    make_report("140802", "2021-06")
    returned = make_report("140802", "2021-07", status=ReportStatus.RETURNED)
    returned.return_reason = "农村煤改电户数与验收单不符。"
    returned.save()
    draft = make_report("140802", "2021-08", status=ReportStatus.DRAFT)
    make_report("140802", "2021-09", status=ReportStatus.SUBMITTED)
    make_report("140881", "2021-10", status=ReportStatus.DRAFT)  # another county's draft is not this clerk's

    response = web(users["clerk"]).get("/home/")
    assert response.status_code == 200
    todo = response.context["todo"]
    assert [(r["period"], r["reason"]) for r in todo["returned"]] == [("2021-07", "农村煤改电户数与验收单不符。")]
    assert todo["returned"][0]["url"] == f"/reports/{returned.pk}/edit/"
    # August has a draft (still to submit), October was never opened; June and September are reported.
    assert [(m["period"], m["has_draft"]) for m in todo["to_file"]] == [("2021-08", True), ("2021-10", False)]
    assert todo["to_file"][0]["url"] == f"/reports/{draft.pk}/edit/"
    assert todo["to_file"][1]["url"] == "/reports/new/?plan=2021&period=2021-10"
    html = response.content.decode()
    # The to-do list comes before the county's progress tables.
    assert html.index('id="todo"') < html.index('id="type-table"')
    assert "农村煤改电户数与验收单不符。" in html
    assert 'id="todo-file-2021-10"' in html and 'id="todo-returned-2021-07"' in html


def test_the_months_to_file_say_how_many_days_are_left_or_overdue(users, plan, make_report):
    make_report("140802", "2021-07", status=ReportStatus.DRAFT)
    todo = filer_todo(user=users["clerk"], plan=plan, today=date(2021, 9, 20))
    by_period = {m["period"]: m for m in todo["to_file"]}
    # Only months that have begun: 06, 07 (draft), 08, 09.
    assert list(by_period) == ["2021-06", "2021-07", "2021-08", "2021-09"]
    assert by_period["2021-09"]["days_left"] == 10  # 09-30 − 09-20
    assert by_period["2021-07"]["days_overdue"] == 51  # 09-20 − 07-31: 31 days of August + 20
    assert by_period["2021-06"]["days_overdue"] == 82  # 30 + 31 + 31 − 10


def test_a_clerk_with_every_month_reported_is_told_so(web, users, make_report):
    for period in PERIODS:
        make_report("140802", period)
    response = expect(web(users["clerk"]).get("/home/"))
    assert response.context["todo"]["empty"]
    assert "所有月份均已填报" in response.content.decode()


def test_a_departments_home_lists_its_own_narrative_months(web, users, plan):
    from reports.models import Report

    Report.objects.create(
        plan=plan,
        department="市能源局",
        period="2021-06",
        deadline=date(2021, 6, 30),
        status=ReportStatus.RETURNED,
        return_reason="请补充电网改造进度。",
        created_by=users["department"],
    )
    todo = expect(web(users["department"]).get("/home/")).context["todo"]
    assert [r["reason"] for r in todo["returned"]] == ["请补充电网改造进度。"]
    assert [m["period"] for m in todo["to_file"]] == PERIODS[1:]


def test_the_city_home_lists_reports_to_review_and_counties_with_overdue_months(web, users, make_report):
    for period in PERIODS:
        make_report("140802", period, status=ReportStatus.DRAFT if period == "2021-07" else ReportStatus.APPROVED)
    first = make_report("140881", "2021-09", status=ReportStatus.SUBMITTED, submitted_on=date(2021, 9, 28))
    second = make_report("140821", "2021-08", status=ReportStatus.SUBMITTED, submitted_on=date(2021, 9, 2))
    response = expect(web(users["city"]).get("/home/"))
    todo = response.context["todo"]
    # Oldest submission first: 临猗县 (09-02) before 永济市 (09-28).
    assert [(r["filer"], r["period"]) for r in todo["review"]] == [("临猗县", "2021-08"), ("永济市", "2021-09")]
    assert todo["review"][0]["url"] == f"/reports/{second.pk}/" and todo["review_count"] == 2
    assert first.pk != second.pk
    overdue = {o["county"].code: o["periods"] for o in todo["overdue"]}
    assert overdue["140802"] == ["2021-07"]  # its July draft is not a report
    assert overdue["140881"] == ["2021-06", "2021-07", "2021-08", "2021-10"]
    assert overdue["140821"] == ["2021-06", "2021-07", "2021-09", "2021-10"]
    assert overdue["140827"] == PERIODS
    assert len(overdue) == 13  # every county that files reports misses at least one month
    html = response.content.decode()
    assert html.index('id="todo"') < html.index('class="cards"')
    assert "待审核月报 2 份" in html


def test_the_city_list_of_reports_to_review_is_capped_with_a_link_to_the_rest(users, plan, make_report):
    from counties.models import County

    codes = list(County.objects.filter(files_reports=True).order_by("order").values_list("code", flat=True))
    for code in codes:
        make_report(code, "2021-09", status=ReportStatus.SUBMITTED)
    todo = city_todo(user=users["city"], plan=plan, today=date(2021, 10, 5))
    assert todo["review_count"] == 13 and len(todo["review"]) == 10 and todo["review_more"] == 3
    # Before October's deadline only earlier months can be overdue: June–August for every county.
    assert all(o["periods"] == ["2021-06", "2021-07", "2021-08"] for o in todo["overdue"])


def test_roles_with_nothing_to_act_on_get_no_to_do_list(web, users):
    # Finance has one now (payments and settlements, tests/subsidies/test_finance_home_todo.py); a user
    # with no role has nothing to do.
    response = web(users["norole"]).get("/home/")
    assert response.status_code == 200
    assert response.context["todo"] is None
