"""Voiding (作废) mistaken payments and grid investments: nothing is deleted, totals skip voided entries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from counties.models import County
from subsidies.models import GridInvestment, Payment
from subsidies.services import (
    grid_investment_record,
    grid_investment_void,
    payment_record,
    payment_void,
    settlement_create,
)
from tests.http import html_of, json_of

API = "/api/v1/plans/2021/subsidies/"
PAGE = "/plans/2021/subsidies/"
ROLES = ["admin", "city", "finance", "department", "clerk", "other_clerk", "norole", None]

# 2021 rates used below (annex): coal_to_electric urban 2,000 yuan/household from the city and
# 2,000 from the county; the county's grid support is 15 % of the county's grid investment.
CITY_RATE = Decimal("2000")
COUNTY_RATE = Decimal("2000")
GRID_RATE = Decimal("0.15")


def yuan(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def county(code="140802"):
    return County.objects.get(code=code)


def pay(plan, users, amount, number, *, level="city", code="140802", reason="预拨"):
    return payment_record(
        plan=plan,
        county=county(code),
        level=level,
        paid_on=date(2021, 12, 1),
        document_number=number,
        amount=amount,
        reason=reason,
        actor=users["finance"],
    )


def invest(plan, users, amount, project="农网改造", code="140802"):
    return grid_investment_record(
        plan=plan,
        county=county(code),
        project=project,
        amount=amount,
        invested_on=date(2021, 7, 1),
        actor=users["finance"],
    )


def row_of(body, code="140802"):
    return next(r for r in body["rows"] if r["county"] == code)


# ---------------------------------------------------------------------------------------------
# Totals


def test_a_voided_payment_no_longer_counts_as_paid_and_the_outstanding_grows_back(users, api, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    first = pay(plan, users, "5000", "运财〔2021〕1号")
    pay(plan, users, "3000", "运财〔2021〕2号")
    due = 10 * CITY_RATE
    client = api(users["finance"])

    before = json_of(client.get(API + "payments/", {"period": "2021-10"}))
    city = row_of(before)["levels"]["city"]
    assert (city["due"], city["paid"], city["outstanding"]) == (yuan(due), yuan(8000), yuan(due - 8000))
    assert before["totals"]["city"]["paid"] == yuan(8000)

    response = client.post(API + f"payments/{first.pk}/void/", {"reason": "文号录错"}, format="json")
    assert response.status_code == 200
    after = response.json()
    city = row_of(after)["levels"]["city"]
    assert (city["paid"], city["outstanding"]) == (yuan(3000), yuan(due - 3000))
    assert after["totals"]["city"]["paid"] == yuan(3000)
    assert after["totals"]["city"]["outstanding"] == yuan(due - 3000)
    voided = next(p for p in after["payments"] if p["id"] == first.pk)
    assert voided["voided"] is True and voided["voided_by"] == "finance" and voided["void_reason"] == "文号录错"
    assert voided["voided_at"]
    # still listed, never deleted
    assert Payment.objects.count() == 2
    assert len(after["payments"]) == 2


def test_a_voided_investment_leaves_the_grid_totals_and_the_county_support_due(users, api, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    wrong = invest(plan, users, "100000", project="录重了")
    invest(plan, users, "200000")
    client = api(users["clerk"])

    grid = json_of(client.get(API + "grid/"))
    assert row_of(grid)["invested"] == yuan(300000)
    assert row_of(grid)["county_support"] == yuan(Decimal(300000) * GRID_RATE)

    response = client.post(API + f"grid/investments/{wrong.pk}/void/", {"reason": "重复登记"}, format="json")
    assert response.status_code == 200
    grid = response.json()
    assert row_of(grid)["invested"] == yuan(200000)
    assert row_of(grid)["county_support"] == yuan(Decimal(200000) * GRID_RATE)
    assert grid["totals"]["invested"] == yuan(200000)
    entry = next(i for i in grid["investments"] if i["id"] == wrong.pk)
    assert entry["voided"] is True and entry["voided_by"] == "clerk-140802" and entry["void_reason"] == "重复登记"
    assert GridInvestment.objects.count() == 2

    # the county level due of the payments table is the subsidy plus the support of the live investments
    county_cell = row_of(json_of(client.get(API + "payments/", {"period": "2021-10"})))["levels"]["county"]
    assert county_cell["grid"] == yuan(Decimal(200000) * GRID_RATE)
    assert county_cell["due"] == yuan(10 * COUNTY_RATE + Decimal(200000) * GRID_RATE)


def test_a_settlement_made_after_a_void_is_made_on_the_live_figures(users, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    payment = pay(plan, users, "5000", "X")
    investment = invest(plan, users, "100000")
    payment_void(payment=payment, actor=users["finance"], reason="录错")
    grid_investment_void(investment=investment, actor=users["finance"], reason="录错")
    settlement = settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    assert settlement.figures["totals"]["total"] == yuan(10 * (CITY_RATE + COUNTY_RATE))


# ---------------------------------------------------------------------------------------------
# Refusals


def test_voiding_needs_a_reason(users, plan):
    payment = pay(plan, users, "5000", "X")
    investment = invest(plan, users, "1000")
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError, match="请填写作废原因") as error:
            payment_void(payment=payment, actor=users["finance"], reason=reason)
        assert error.value.message_dict == {"reason": ["请填写作废原因。"]}
        with pytest.raises(ValidationError, match="请填写作废原因"):
            grid_investment_void(investment=investment, actor=users["clerk"], reason=reason)
    payment.refresh_from_db()
    investment.refresh_from_db()
    assert payment.voided_at is None and investment.voided_at is None


def test_an_entry_cannot_be_voided_twice(users, plan, api):
    payment = pay(plan, users, "5000", "X")
    investment = invest(plan, users, "1000")
    payment_void(payment=payment, actor=users["finance"], reason="第一次")
    with pytest.raises(ValidationError, match="已作废，不能重复作废") as error:
        payment_void(payment=payment, actor=users["finance"], reason="第二次")
    assert "已作废" in error.value.messages[0]
    payment.refresh_from_db()
    assert payment.void_reason == "第一次"

    grid_investment_void(investment=investment, actor=users["clerk"], reason="第一次")
    response = api(users["finance"]).post(
        API + f"grid/investments/{investment.pk}/void/", {"reason": "第二次"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] and "已作废" in body["detail"] + str(body.get("errors"))
    investment.refresh_from_db()
    assert investment.void_reason == "第一次" and investment.voided_by == users["clerk"]


def test_the_api_without_a_reason_is_a_400_with_the_reason_field_named(users, plan, api):
    payment = pay(plan, users, "5000", "X")
    response = api(users["finance"]).post(API + f"payments/{payment.pk}/void/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["请填写作废原因。"]}


def test_only_finance_voids_payments_and_only_finance_or_the_countys_clerk_voids_investments(users, plan):
    payment = pay(plan, users, "5000", "X")
    investment = invest(plan, users, "1000")
    for role in ("admin", "city", "department", "clerk", "other_clerk", "norole"):
        with pytest.raises(PermissionDenied, match="只有市财政局可以办理资金分配、拨付、作废和结算"):
            payment_void(payment=payment, actor=users[role], reason="r")
    for role in ("admin", "city", "department", "other_clerk", "norole"):
        with pytest.raises(PermissionDenied, match="只有本县填报员或市财政局可以作废配套电网投资"):
            grid_investment_void(investment=investment, actor=users[role], reason="r")
    assert not Payment.objects.filter(voided_at__isnull=False).exists()
    assert not GridInvestment.objects.filter(voided_at__isnull=False).exists()


def test_another_countys_clerk_gets_404_and_unknown_ids_are_404(users, plan, api):
    payment = pay(plan, users, "5000", "X")
    investment = invest(plan, users, "1000")
    other = api(users["other_clerk"])
    assert (
        other.post(API + f"grid/investments/{investment.pk}/void/", {"reason": "r"}, format="json").status_code == 404
    )
    assert other.post(API + f"payments/{payment.pk}/void/", {"reason": "r"}, format="json").status_code == 404
    finance = api(users["finance"])
    assert finance.post(API + "payments/999999/void/", {"reason": "r"}, format="json").status_code == 404
    assert finance.post(API + "grid/investments/999999/void/", {"reason": "r"}, format="json").status_code == 404
    assert (
        api(users["finance"])
        .post("/api/v1/plans/1999/subsidies/payments/1/void/", {"reason": "r"}, format="json")
        .status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# Permission rows for the two endpoints (and the two page actions)

API_EXPECTED = {
    "payments": {
        "admin": 403,
        "city": 403,
        "finance": 200,
        "department": 403,
        "clerk": 403,
        "other_clerk": 404,
        "norole": 403,
        None: 401,
    },
    "grid/investments": {
        "admin": 403,
        "city": 403,
        "finance": 200,
        "department": 403,
        "clerk": 200,
        "other_clerk": 404,
        "norole": 403,
        None: 401,
    },
}
PAGE_EXPECTED = {
    kind: {role: (302 if status == 200 else status) for role, status in table.items()}
    for kind, table in API_EXPECTED.items()
}


@pytest.mark.parametrize("role", ROLES)
def test_void_permission_rows(users, plan, api, web, role):
    ids = {
        "payments": [pay(plan, users, "5000", "X").pk, pay(plan, users, "1", "Y").pk],
        "grid/investments": [invest(plan, users, "1000").pk, invest(plan, users, "2000").pk],
    }
    user = users[role] if role else None
    wrong = []
    client = api(user)
    for kind, expected in API_EXPECTED.items():
        response = client.post(API + f"{kind}/{ids[kind][0]}/void/", {"reason": "录错"}, format="json")
        if response.status_code != expected[role]:
            wrong.append(("api", kind, expected[role], response.status_code))
        elif response.status_code >= 400:
            assert {"code", "detail"} <= set(response.json())
        # GET is not allowed on a void endpoint
        if role == "finance":
            assert client.get(API + f"{kind}/{ids[kind][0]}/void/").status_code == 405
    page = web(user)
    for kind, expected in PAGE_EXPECTED.items():
        response = page.post(PAGE + f"{kind}/{ids[kind][1]}/void/", {"reason": "录错"})
        status = expected[role] if role else 302
        if response.status_code != status:
            wrong.append(("page", kind, status, response.status_code))
        elif role is None:
            assert "/accounts/login/" in response["Location"]
    assert not wrong, wrong
    voided = (
        Payment.objects.filter(voided_at__isnull=False).count()
        + GridInvestment.objects.filter(voided_at__isnull=False).count()
    )
    assert voided == sum(2 for kind in API_EXPECTED if API_EXPECTED[kind][role] == 200)


# ---------------------------------------------------------------------------------------------
# The finance page


def test_finance_voids_a_payment_on_the_page_and_sees_it_marked_voided(users, plan, web, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    payment = pay(plan, users, "5000", "运财〔2021〕7号")
    client = web(users["finance"])
    html = html_of(client.get(PAGE, {"period": "2021-10"}))
    row = html.split(f'id="payment-{payment.pk}"')[1].split("</tr>")[0]
    assert f'action="/plans/2021/subsidies/payments/{payment.pk}/void/' in row
    assert 'name="reason"' in row and "data-confirm=" in row and "作废" in row

    # without a reason: a clear message, nothing voided
    response = client.post(PAGE + f"payments/{payment.pk}/void/?period=2021-10", {"reason": " "})
    assert response.status_code == 400
    assert "请填写作废原因。" in response.content.decode()
    payment.refresh_from_db()
    assert payment.voided_at is None

    response = client.post(PAGE + f"payments/{payment.pk}/void/?period=2021-10", {"reason": "金额录错"}, follow=True)
    assert response.redirect_chain[-1] == (PAGE + "?period=2021-10", 302)
    html = response.content.decode()
    assert "已作废拨付记录（运财〔2021〕7号，5000.00 元）。" in html
    row = html.split(f'id="payment-{payment.pk}"')[1].split("</tr>")[0]
    assert "已作废" in row and "finance" in row and "金额录错" in row and "void-form" not in row
    # the paid column of 盐湖区 is back to 0 and the outstanding to the full due
    county_row = html.split('id="payment-table"')[1].split('data-county="140802"')[1].split("</tr>")[0]
    assert "20,000.00" in county_row and "5,000.00" not in county_row

    # voiding again from the page is refused with a message
    response = client.post(PAGE + f"payments/{payment.pk}/void/", {"reason": "再次"})
    assert response.status_code == 400
    assert "已作废，不能重复作废" in response.content.decode()


def test_a_clerk_voids_its_own_countys_investment_on_the_page_but_sees_no_payment_void_button(users, plan, web):
    investment = invest(plan, users, "100000", project="线路录重")
    payment = pay(plan, users, "5000", "X")
    client = web(users["clerk"])
    html = html_of(client.get(PAGE))
    assert f"/grid/investments/{investment.pk}/void/" in html
    assert f"/payments/{payment.pk}/void/" not in html
    response = client.post(PAGE + f"grid/investments/{investment.pk}/void/", {"reason": "重复"}, follow=True)
    html = response.content.decode()
    assert "已作废配套电网投资记录（线路录重，100000.00 元）。" in html
    row = html.split(f'id="investment-{investment.pk}"')[1].split("</tr>")[0]
    assert "已作废" in row and "clerk-140802" in row and "重复" in row
    grid_row = html.split('id="grid-table"')[1].split('data-county="140802"')[1].split("</tr>")[0]
    assert "100,000.00" not in grid_row and "15,000.00" not in grid_row


def test_the_city_office_sees_voided_entries_without_void_buttons(users, plan, web):
    payment = pay(plan, users, "5000", "X")
    invest(plan, users, "1000")
    payment_void(payment=payment, actor=users["finance"], reason="录错")
    html = html_of(web(users["city"]).get(PAGE))
    assert "void-form" not in html
    assert "已作废" in html and "录错" in html


def test_the_page_and_the_api_stay_bounded_with_voided_entries(users, plan, web, api, django_assert_max_num_queries):
    for code in ("140802", "140881", "140882", "140821"):
        for n in range(2):
            payment_void(payment=pay(plan, users, "1", f"d{n}", code=code), actor=users["finance"], reason="r")
            grid_investment_void(investment=invest(plan, users, "1000", code=code), actor=users["finance"], reason="r")
    client = web(users["finance"])
    with django_assert_max_num_queries(20):
        assert client.get(PAGE, {"period": "2021-10"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert api(users["finance"]).get(API + "payments/", {"period": "2021-10"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert api(users["finance"]).get(API + "grid/").status_code == 200


@pytest.mark.browser
def test_in_the_browser_finance_confirms_before_a_payment_is_voided(live_server, users, plan, page):
    from tests.conftest import browser_login, screenshot

    payment = pay(plan, users, "5000", "运财〔2021〕9号")
    browser_login(page, live_server, "finance")
    page.goto(f"{live_server.url}/plans/2021/subsidies/")
    row = page.locator(f"#payment-{payment.pk}")
    row.locator("input[name=reason]").fill("文号录错")
    dialogs = []

    def dismiss_then_accept(dialog):
        dialogs.append(dialog.message)
        (dialog.dismiss if len(dialogs) == 1 else dialog.accept)()

    page.on("dialog", dismiss_then_accept)
    row.locator("button[type=submit]").click()
    payment.refresh_from_db()
    assert payment.voided_at is None  # the first confirmation was declined
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages .msg-success")
    payment.refresh_from_db()
    assert payment.voided_at is not None and payment.void_reason == "文号录错"
    assert "确认作废" in dialogs[0]
    assert "已作废" in page.locator(f"#payment-{payment.pk}").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "subsidies-void")
