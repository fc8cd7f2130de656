"""The finance bureau's home page has a to-do list (issue 22, section 4): money still owed to counties,
per paying level, and the settlement still to make for the latest month."""

from datetime import date
from decimal import Decimal

from counties.models import County
from subsidies.services import payment_record, settlement_create


def todo_of(web, user):
    response = web(user).get("/home/")
    assert response.status_code == 200
    return response.context["todo"], response.content.decode()


def test_finance_sees_what_each_county_is_owed_and_the_settlement_to_make(users, web, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    todo, html = todo_of(web, users["finance"])
    # 100 urban coal-to-electric households: 2,000 yuan each from the city and from the county.
    owed = [(item["county"].code, item["level"], item["outstanding"]) for item in todo["payments"]]
    assert owed == [("140802", "市级", Decimal("200000.00")), ("140802", "县级", Decimal("200000.00"))]
    assert [(item["year"], item["period"]) for item in todo["settles"]] == [(2021, "2021-10")]
    assert 'id="todo-payments"' in html and "盐湖区 · 市级" in html
    assert "生成截至 2021-10 的结算快照" in html


def test_a_level_paid_in_full_and_a_settlement_made_leave_the_list(users, web, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    payment_record(
        plan=plan,
        county=County.objects.get(code="140802"),
        level="city",
        paid_on=date(2021, 8, 1),
        document_number="运财建〔2021〕1号",
        amount="200000.00",
        actor=users["finance"],
    )
    settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    todo, html = todo_of(web, users["finance"])
    assert [(item["county"].code, item["level"]) for item in todo["payments"]] == [("140802", "县级")]
    assert todo["settles"] == [] and 'id="todo-settle"' not in html


def test_with_nothing_approved_and_the_month_settled_the_list_says_all_is_done(users, web, plan):
    settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    todo, html = todo_of(web, users["finance"])
    assert todo["empty"] and 'id="todo-empty"' in html
