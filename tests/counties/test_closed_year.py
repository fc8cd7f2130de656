"""A closed year: every write to its reports, payments and settlements is refused with one clear
message (API 409 in the one error shape, pages the same Chinese message); its pages and exports stay."""

import pytest

from counties.models import PlanStatus
from counties.plan_life import plan_close
from reports.models import ReportStatus
from subsidies.models import GridInvestment, Payment, Settlement, SubsidyRule
from subsidies.services import payment_record

CLOSED = "2021年度已结束，月报、资金拨付和结算均为只读，不能再修改。"


@pytest.fixture
def closed(users, plan, make_report):
    reports = {
        "returned": make_report("140802", "2021-09", status=ReportStatus.RETURNED, narrative="推进中"),
        "approved": make_report("140802", "2021-08", status=ReportStatus.APPROVED),
    }
    payment = payment_record(
        plan=plan,
        county=reports["returned"].county,
        level="city",
        paid_on=plan.deadline,
        document_number="运财〔2021〕1号",
        amount="100",
        reason="预拨",
        actor=users["finance"],
    )
    plan_close(user=users["city"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    return {**reports, "payment": payment}


def _refused(response):
    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "detail": CLOSED, "current_version": None}


def test_report_writes_of_a_closed_year_are_409_with_the_message(api, users, closed):
    clerk, city = api(users["clerk"]), api(users["city"])
    returned, approved = closed["returned"], closed["approved"]
    _refused(clerk.post("/api/v1/reports/", {"plan": 2021, "county": "140802", "period": "2021-10"}, format="json"))
    _refused(clerk.patch(f"/api/v1/reports/{returned.pk}/", {"version": 1, "narrative": "改"}, format="json"))
    _refused(clerk.post(f"/api/v1/reports/{returned.pk}/submit/", {}, format="json"))
    _refused(city.post(f"/api/v1/reports/{approved.pk}/reopen/", {"reason": "更正"}, format="json"))
    returned.status = ReportStatus.SUBMITTED
    returned.save()
    _refused(city.post(f"/api/v1/reports/{returned.pk}/approve/", {}, format="json"))
    _refused(city.post(f"/api/v1/reports/{returned.pk}/return/", {"reason": "补充"}, format="json"))
    returned.refresh_from_db()
    assert returned.status == ReportStatus.SUBMITTED and returned.version == 1


def test_money_writes_of_a_closed_year_are_409_and_nothing_changes(api, users, plan, closed):
    finance, clerk = api(users["finance"]), api(users["clerk"])
    base = "/api/v1/plans/2021/subsidies/"
    payment = {"county": "140802", "level": "city", "paid_on": "2021-12-01", "document_number": "x", "amount": "1"}
    _refused(finance.post(base + "payments/", payment, format="json"))
    _refused(finance.post(base + f"payments/{closed['payment'].pk}/void/", {"reason": "错"}, format="json"))
    _refused(finance.post(base + "settlements/", {"period": "2021-10"}, format="json"))
    _refused(finance.post(base + "grid/allocations/", {"county": "140802", "amount": "1"}, format="json"))
    investment = {"county": "140802", "project": "线路", "amount": "100", "invested_on": "2021-07-01"}
    _refused(clerk.post(base + "grid/investments/", investment, format="json"))
    rule = SubsidyRule.objects.filter(plan=plan).first()
    _refused(api(users["city"]).patch(base + f"rules/{rule.pk}/", {"amount": "1.00"}, format="json"))
    assert Payment.objects.count() == 1 and Payment.objects.get().voided_at is None
    assert not Settlement.objects.exists() and not GridInvestment.objects.exists()
    assert SubsidyRule.objects.get(pk=rule.pk).amount == rule.amount


def test_a_page_write_to_a_closed_year_shows_the_message(web, users, closed):
    response = web(users["finance"]).post(
        "/plans/2021/subsidies/payments/",
        {
            "payment-county": "140802",
            "payment-level": "city",
            "payment-paid_on": "2021-12-01",
            "payment-document_number": "运财〔2021〕9号",
            "payment-amount": "1",
            "payment-reason": "预拨",
            "confirmed": "1",
        },
    )
    assert response.status_code == 409
    assert CLOSED in response.content.decode()
    assert Payment.objects.count() == 1


def test_a_closed_years_pages_and_exports_still_answer(web, api, users, closed):
    for path in ("/plans/2021/targets/", "/plans/2021/subsidies/", "/plans/2021/manage/", "/plans/"):
        assert web(users["city"]).get(path).status_code == 200, path
    assert web(users["clerk"]).get(f"/reports/{closed['approved'].pk}/").status_code == 200
    response = api(users["finance"]).get("/api/v1/plans/2021/subsidies/export.xlsx?period=2021-10")
    assert response.status_code == 200
    assert api(users["city"]).get("/api/v1/plans/2021/progress/export.csv").status_code == 200
    manage = web(users["city"]).get("/plans/2021/manage/")
    assert manage.status_code == 200
    assert "该年度已结束" in manage.content.decode()


def test_a_report_page_action_on_a_closed_year_shows_the_message(web, users, closed):
    approved = closed["approved"]
    response = web(users["city"]).post(
        f"/reports/{approved.pk}/reopen/", {"reason": "更正", "version": approved.version}, follow=True
    )
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == ReportStatus.APPROVED
