"""A plan's life: the city office starts a year as a draft (copied from an earlier one), publishes it, closes it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.api import ConflictError
from counties.models import Plan, PlanStatus, Target
from counties.plan_life import plan_close, plan_close_blockers, plan_publish
from reports.models import ReportStatus
from reports.services import report_create
from subsidies.models import SubsidyRule
from tests.counties.plan_years import make_draft

NEW_PLAN = {
    "year": 2022,
    "title": "运城市2022年冬季清洁取暖工作实施方案",
    "document_number": "运政办发〔2022〕12号",
    "document_date": "2022-06-01",
    "deadline": "2022-10-31",
    "copy_from": 2021,
}


def test_the_city_office_starts_2022_as_a_draft_copied_from_2021(api, users, plan):
    response = api(users["city"]).post("/api/v1/plans/", NEW_PLAN, format="json")
    assert response.status_code == 201
    assert response.json() == {
        "year": 2022,
        "title": "运城市2022年冬季清洁取暖工作实施方案",
        "status": "draft",
        "document_number": "运政办发〔2022〕12号",
        "document_date": "2022-06-01",
        "deadline": "2022-10-31",
        "report_due_day": None,
        "periods": ["2022-06", "2022-07", "2022-08", "2022-09", "2022-10"],
    }
    draft = Plan.objects.get(year=2022)
    assert draft.created_by == users["city"] and draft.created_at is not None
    copied = sorted(Target.objects.filter(plan=draft).values_list("county__code", "retrofit_type__code", "households"))
    original = sorted(Target.objects.filter(plan=plan).values_list("county__code", "retrofit_type__code", "households"))
    assert copied == original and len(copied) == 52
    rules = {(r.retrofit_type.code, r.area_class, r.level): r.amount for r in SubsidyRule.objects.filter(plan=draft)}
    assert rules[("coal_to_gas", "rural", "county")] == Decimal("3500")
    assert len(rules) == SubsidyRule.objects.filter(plan=plan).count() == 10
    assert (draft.grid_city_total, draft.grid_county_rate) == (plan.grid_city_total, plan.grid_county_rate)


def test_a_year_that_exists_or_an_unknown_copy_source_is_a_400(api, users, plan):
    response = api(users["city"]).post("/api/v1/plans/", {**NEW_PLAN, "year": 2021}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["year"] == ["2021年度方案已存在。"]
    response = api(users["city"]).post("/api/v1/plans/", {**NEW_PLAN, "copy_from": 2019}, format="json")
    assert response.status_code == 400
    assert "copy_from" in response.json()["errors"]
    response = api(users["city"]).post("/api/v1/plans/", {**NEW_PLAN, "deadline": "2022-05-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["deadline"] == ["完成期限早于印发日期。"]
    assert not Plan.objects.filter(year=2022).exists()


@pytest.mark.parametrize("role", ["finance", "department", "clerk", "norole"])
def test_other_roles_may_not_start_a_year(api, users, plan, role):
    response = api(users[role]).post("/api/v1/plans/", NEW_PLAN, format="json")
    assert response.status_code == 403
    assert not Plan.objects.filter(year=2022).exists()


def test_a_draft_is_listed_only_for_the_city_office_and_its_targets_are_a_404_to_a_clerk(api, users, plan):
    make_draft(users, plan)
    response = api(users["city"]).get("/api/v1/plans/")
    assert response.status_code == 200
    assert [(p["year"], p["status"]) for p in response.json()] == [(2022, "draft"), (2021, "published")]
    response = api(users["clerk"]).get("/api/v1/plans/")
    assert response.status_code == 200
    assert [p["year"] for p in response.json()] == [2021]
    assert api(users["clerk"]).get("/api/v1/plans/2022/targets/").status_code == 404
    assert api(users["city"]).get("/api/v1/plans/2022/targets/").status_code == 200


def test_filing_a_report_for_a_draft_is_refused(users, plan, county):
    draft = make_draft(users, plan)
    with pytest.raises(ConflictError, match="2022年度方案尚未下达，不能填报月报"):
        report_create(user=users["clerk"], plan=draft, period="2022-06", county=county)


def test_publishing_needs_targets_and_then_clerks_see_the_year_on_their_home_page(api, web, users, plan):
    empty = Plan.objects.create(
        year=2023, title="空白方案", document_date=date(2023, 6, 1), deadline=date(2023, 10, 31)
    )
    response = api(users["city"]).post("/api/v1/plans/2023/publish/")
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "detail": "2023年度方案还没有目标任务，请先导入目标任务表再下达。",
        "current_version": None,
    }
    assert Plan.objects.get(pk=empty.pk).status == PlanStatus.DRAFT

    make_draft(users, plan)
    response = api(users["city"]).post("/api/v1/plans/2022/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    published = Plan.objects.get(year=2022)
    assert published.published_by == users["city"] and published.published_at is not None
    assert api(users["clerk"]).get("/api/v1/plans/2022/targets/").status_code == 200
    response = web(users["clerk"]).get("/home/")
    assert response.status_code == 200
    assert "2022年度目标任务已下达" in response.content.decode()
    # Publishing twice is refused.
    assert api(users["city"]).post("/api/v1/plans/2022/publish/").status_code == 409


def test_a_year_closes_only_after_its_last_month_and_once_no_report_waits_for_review(api, users, plan, make_report):
    assert plan_close_blockers(plan=plan, today=date(2021, 10, 31)) == [
        "最后一个报送月 2021-10 的截止日 2021-10-31 尚未过去，暂不能结束该年度。"
    ]
    with pytest.raises(ConflictError, match="尚未过去"):
        plan_close(user=users["city"], plan=plan, today=date(2021, 10, 20))
    make_report("140802", "2021-10", status=ReportStatus.SUBMITTED)
    response = api(users["city"]).post("/api/v1/plans/2021/close/")
    assert response.status_code == 409
    assert response.json()["detail"] == "还有 1 份月报等待审核（2021-10），请审核后再结束该年度。"
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED


def test_closing_records_who_and_when_and_a_closed_year_cannot_be_closed_or_published_again(api, users, plan):
    response = api(users["city"]).post("/api/v1/plans/2021/close/")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    closed = Plan.objects.get(pk=plan.pk)
    assert closed.closed_by == users["city"] and closed.closed_at is not None
    assert api(users["city"]).post("/api/v1/plans/2021/close/").status_code == 409
    assert api(users["city"]).post("/api/v1/plans/2021/publish/").status_code == 409


def test_only_the_city_office_and_admin_publish_or_close(users, plan):
    for role in ("finance", "clerk", "department"):
        with pytest.raises(PermissionDenied, match="只有市清洁取暖办"):
            plan_publish(user=users[role], plan=plan)
        with pytest.raises(PermissionDenied, match="只有市清洁取暖办"):
            plan_close(user=users[role], plan=plan)
    assert plan_close(user=users["admin"], plan=plan).status == PlanStatus.CLOSED


def test_a_plan_with_a_report_due_day_gives_new_reports_that_deadline(users, plan, county):
    plan.report_due_day = 5
    plan.save()
    report = report_create(user=users["clerk"], plan=plan, period="2021-07", county=county)
    assert report.deadline == date(2021, 8, 5)
    assert plan.period_deadline("2021-12") == date(2022, 1, 5)
    plan.report_due_day = None
    assert plan.period_deadline("2021-07") == date(2021, 7, 31)


def test_a_clerk_filing_for_a_draft_year_through_the_api_is_told_the_year_does_not_exist(api, users, plan):
    make_draft(users, plan)
    response = api(users["clerk"]).post(
        "/api/v1/reports/", {"plan": 2022, "county": "140802", "period": "2022-06"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"plan": ["未找到 2022 年度方案。"]}


def test_a_month_with_no_report_is_missing_only_after_the_plans_reporting_day(users, plan):
    from reports.submission_status import status_grid_for_user

    def july_state(today):
        grid = status_grid_for_user(user=users["city"], plan=plan, today=today)
        row = next(r for r in grid["rows"] if r["county"].code == "140802")
        return next(c["state"].code for c in row["cells"] if c["period"] == "2021-07")

    # Without a reporting day a month is due on its last day.
    assert july_state(date(2021, 8, 3)) == "missing"
    plan.report_due_day = 5
    plan.save()
    # Due on the 5th of the next month: not yet missing on the 3rd, missing on the 6th.
    assert july_state(date(2021, 8, 3)) == "not_due"
    assert july_state(date(2021, 8, 6)) == "missing"


def test_a_drafts_own_fields_are_edited_on_its_page_and_a_published_years_are_fixed(web, users, plan):
    make_draft(users, plan)
    client = web(users["city"])
    page = client.get("/plans/2022/edit/")
    assert page.status_code == 200
    assert 'id="plan-edit-form"' in page.content.decode()
    fields = {
        "title": "运城市2022年冬季清洁取暖工作实施方案（修订）",
        "document_number": "运政办发〔2022〕9号",
        "document_date": "2022-06-10",
        "deadline": "2022-11-30",
        "report_due_day": "5",
    }
    response = client.post("/plans/2022/edit/", {**fields, "deadline": "2022-05-01"})
    assert response.status_code == 400
    assert "完成期限早于印发日期" in response.content.decode()
    response = client.post("/plans/2022/edit/", fields)
    assert response.status_code == 302 and response["Location"] == "/plans/2022/manage/"
    draft = Plan.objects.get(year=2022)
    assert (draft.title, draft.document_number, draft.deadline, draft.report_due_day) == (
        fields["title"],
        "运政办发〔2022〕9号",
        date(2022, 11, 30),
        5,
    )
    assert draft.periods()[-1] == "2022-11"
    published = client.post("/plans/2021/edit/", fields)
    assert published.status_code == 409
    assert "不能再修改方案信息" in published.content.decode()
    assert Plan.objects.get(year=2021).title == plan.title
