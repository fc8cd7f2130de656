import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from counties.models import County
from subsidies.models import GridAllocation, Payment, SubsidyRule, SubsidyRuleChange
from subsidies.services import grid_allocation_set, grid_investment_record, payment_record, subsidy_rule_update
from tests.http import html_of, json_of

BASE = "/api/v1/plans/2021/subsidies/"


def rule(code="coal_to_electric", area_class="urban", level="city"):
    return SubsidyRule.objects.get(plan__year=2021, retrofit_type__code=code, area_class=area_class, level=level)


# --- rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "city"])
def test_finance_and_the_city_office_may_change_a_rate_and_the_change_is_audited(users, api, role):
    target = rule()
    response = api(users[role]).patch(
        f"{BASE}rules/{target.pk}/", {"amount": "2100.00", "effective_from": "2021-08", "reason": "调整"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["amount"] == "2100.00"
    change = SubsidyRuleChange.objects.get(rule=target)
    assert (change.changed_by, change.old_amount, change.new_amount) == (
        users[role],
        Decimal("2000.00"),
        Decimal("2100.00"),
    )
    assert change.changed_at is not None and change.reason == "调整" and change.effective_from == "2021-08"
    assert response.json()["changes"][0]["old_amount"] == "2000.00"
    assert response.json()["changes"][0]["effective_from"] == "2021-08"
    assert response.json()["periods"] == [
        {"start": "2021-06", "end": "2021-07", "amount": "2000.00"},
        {"start": "2021-08", "end": "2021-10", "amount": "2100.00"},
    ]


@pytest.mark.parametrize("role", ["admin", "clerk", "department", "norole"])
def test_other_roles_cannot_change_a_rate(users, role):
    with pytest.raises(PermissionDenied, match="只有市财政局或市清洁取暖办可以修改补助标准"):
        subsidy_rule_update(
            rule=rule(), amount=Decimal("1"), effective_from="2021-06", reason="调整", actor=users[role]
        )
    assert rule().amount == Decimal("2000.00") and not SubsidyRuleChange.objects.exists()


def test_a_rate_changed_from_the_plans_first_month_changes_every_households_amount(users, api, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    client = api(users["finance"])
    before = client.get(BASE, {"period": "2021-10"})
    assert before.status_code == 200
    response = client.patch(
        f"{BASE}rules/{rule().pk}/", {"amount": "2500", "effective_from": "2021-06", "reason": "文件"}, format="json"
    )
    assert response.status_code == 200
    after = client.get(BASE, {"period": "2021-10"})
    assert after.status_code == 200
    before, after = before.json()["totals"]["city_share"], after.json()["totals"]["city_share"]
    assert (before, after) == ("200000.00", "250000.00")


@pytest.mark.parametrize("amount", ["abc", "-1", "1.234", "1e20", "NaN", ""])
def test_a_bad_rate_is_a_400_and_nothing_changes(users, api, amount):
    response = api(users["finance"]).patch(
        f"{BASE}rules/{rule().pk}/", {"amount": amount, "effective_from": "2021-08", "reason": "调整"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"code", "detail", "errors"}
    assert rule().amount == Decimal("2000.00")


def test_an_unchanged_rate_records_no_change(users):
    subsidy_rule_update(
        rule=rule(), amount=Decimal("2000"), effective_from="2021-08", reason="核对", actor=users["finance"]
    )
    assert not SubsidyRuleChange.objects.exists()


def test_the_rules_page_edits_a_rate_for_finance_and_shows_the_history(users, web):
    client = web(users["finance"])
    target = rule()
    response = client.post(
        "/plans/2021/subsidies/rules/",
        {
            "rule": target.pk,
            f"rule{target.pk}-amount": "2050.00",
            f"rule{target.pk}-effective_from": "2021-09",
            f"rule{target.pk}-reason": "试算",
        },
    )
    assert response.status_code == 302
    page = client.get("/plans/2021/subsidies/rules/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2,050.00" in html and "2,000.00" in html and "finance" in html and "试算" in html
    assert "2021-06 至 2021-08：2,000.00元；2021-09 起：2,050.00元" in re.sub(r"<[^>]+>", "", html)


def test_the_rules_page_rejects_a_bad_rate_with_a_message(users, web):
    target = rule()
    response = web(users["city"]).post(
        "/plans/2021/subsidies/rules/", {"rule": target.pk, f"rule{target.pk}-amount": "x"}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


# --- grid support ---------------------------------------------------------------------------------


def test_county_support_due_is_the_plan_rate_of_the_counties_total_investment(users, plan):
    yuhu = County.objects.get(code="140802")
    grid_investment_record(
        plan=plan,
        county=yuhu,
        project="10kV 线路",
        amount="1000000.00",
        invested_on=date(2021, 7, 1),
        actor=users["clerk"],
    )
    grid_investment_record(
        plan=plan,
        county=yuhu,
        project="台区改造",
        amount="234567.89",
        invested_on=date(2021, 8, 1),
        actor=users["finance"],
    )
    from subsidies.selectors import grid_compute

    row = grid_compute(plan=plan, counties=[yuhu])["rows"][0]
    total = Decimal("1234567.89")
    assert row["invested"] == total
    assert row["county_support"] == (total * Decimal("0.15")).quantize(Decimal("0.01"))  # 185185.18
    assert row["county_support"] == Decimal("185185.18")


def test_a_clerk_records_investments_only_for_its_own_county(users, api, plan):
    client = api(users["clerk"])
    ok = client.post(
        f"{BASE}grid/investments/",
        {"project": "配电网", "amount": "500000", "invested_on": "2021-07-15"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["rows"][0]["county_support"] == "75000.00"
    other = client.post(
        f"{BASE}grid/investments/",
        {"county": "140881", "project": "配电网", "amount": "500000", "invested_on": "2021-07-15"},
        format="json",
    )
    assert other.status_code == 404


def test_a_clerk_of_another_county_is_refused_by_the_service(users, plan):
    with pytest.raises(PermissionDenied, match="只有本县填报员或市财政局可以登记配套电网投资"):
        grid_investment_record(
            plan=plan,
            county=County.objects.get(code="140802"),
            project="x",
            amount="1",
            invested_on=date(2021, 7, 1),
            actor=users["other_clerk"],
        )


def test_finance_allocates_the_city_total_and_the_page_shows_allocated_and_unallocated(users, api, web):
    client = api(users["finance"])
    body = json_of(client.post(f"{BASE}grid/allocations/", {"county": "140802", "amount": "4000000"}, format="json"))
    assert body["allocated"] == "4000000.00" and body["unallocated"] == "6000000.00"
    body = json_of(client.post(f"{BASE}grid/allocations/", {"county": "140881", "amount": "6000000"}, format="json"))
    assert body["unallocated"] == "0.00"
    html = html_of(web(users["finance"]).get("/plans/2021/subsidies/"))
    assert "10,000,000.00" in html and "0.00" in html


def test_allocating_more_than_the_city_total_is_refused(users, plan, api):
    yuhu, yongji = County.objects.get(code="140802"), County.objects.get(code="140881")
    grid_allocation_set(plan=plan, county=yuhu, amount="9000000", actor=users["finance"])
    with pytest.raises(ValidationError, match="该县最多还可分配 1000000.00 元"):
        grid_allocation_set(plan=plan, county=yongji, amount="1000000.01", actor=users["finance"])
    response = api(users["finance"]).post(
        f"{BASE}grid/allocations/", {"county": "140881", "amount": "2000000"}, format="json"
    )
    assert response.status_code == 400 and "amount" in response.json()["errors"]
    # Re-allocating a county's own amount replaces it rather than adding to it.
    grid_allocation_set(plan=plan, county=yuhu, amount="10000000", actor=users["finance"])
    assert GridAllocation.objects.get(county=yuhu).amount == Decimal("10000000.00")


@pytest.mark.parametrize("role", ["city", "admin", "clerk"])
def test_only_finance_allocates(users, api, role):
    response = api(users[role]).post(f"{BASE}grid/allocations/", {"county": "140802", "amount": "1"}, format="json")
    assert response.status_code == 403


# --- payments ----------------------------------------------------------------------------------


def pay(users, plan, amount, level="city", reason="", code="140802"):
    return payment_record(
        plan=plan,
        county=County.objects.get(code=code),
        level=level,
        paid_on=date(2021, 12, 1),
        document_number="运财建〔2021〕1号",
        amount=amount,
        reason=reason,
        actor=users["finance"],
    )


def test_due_paid_and_outstanding_per_county_and_level(users, plan, api, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})  # 200,000 city + 200,000 county
    grid_allocation_set(plan=plan, county=County.objects.get(code="140802"), amount="50000", actor=users["finance"])
    pay(users, plan, "150000")
    pay(users, plan, "100000.50", reason="含上年结转")
    pay(users, plan, "1000", level="county")
    body = json_of(api(users["finance"]).get(f"{BASE}payments/", {"period": "2021-10"}))
    row = next(r for r in body["rows"] if r["county"] == "140802")
    assert row["levels"]["city"] == {
        "subsidy": "200000.00",
        "grid": "50000.00",
        "due": "250000.00",
        "paid": "250000.50",
        "outstanding": "-0.50",
    }
    assert row["levels"]["county"]["due"] == "200000.00" and row["levels"]["county"]["outstanding"] == "199000.00"


def test_a_payment_above_the_outstanding_amount_needs_a_written_reason(users, plan, make_report, api):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})  # 20,000 each level
    pay(users, plan, "15000")
    with pytest.raises(ValidationError, match="超过尚未拨付的 5000.00 元") as error:
        pay(users, plan, "5000.01")
    assert "reason" in error.value.message_dict
    pay(users, plan, "5000.00")  # exactly the outstanding amount is fine
    response = api(users["finance"]).post(
        f"{BASE}payments/",
        {"county": "140802", "level": "city", "paid_on": "2021-12-02", "document_number": "A-2", "amount": "1"},
        format="json",
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    pay(users, plan, "1", reason="上级追加资金，先行垫付")
    assert Payment.objects.count() == 3


def test_unapproved_reports_do_not_make_anything_due(users, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10}, status="submitted")
    with pytest.raises(ValidationError, match="超过尚未拨付的 0.00 元"):
        pay(users, plan, "1")


@pytest.mark.parametrize("role", ["city", "admin", "clerk"])
def test_only_finance_records_payments(users, api, role):
    response = api(users[role]).post(
        f"{BASE}payments/",
        {
            "county": "140802",
            "level": "city",
            "paid_on": "2021-12-02",
            "document_number": "A",
            "amount": "1",
            "reason": "r",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_a_payment_with_bad_fields_is_a_400_with_the_field_named(users, api):
    response = api(users["finance"]).post(
        f"{BASE}payments/",
        {"county": "140802", "level": "province", "paid_on": "not a date", "document_number": "", "amount": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert {"level", "paid_on", "document_number"} <= set(response.json()["errors"])


def test_the_payment_form_on_the_page_shows_the_reason_error(users, web, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1})
    response = web(users["finance"]).post(
        "/plans/2021/subsidies/payments/",
        {
            "payment-county": "140802",
            "payment-level": "county",
            "payment-paid_on": "2021-12-01",
            "payment-document_number": "B",
            "payment-amount": "999999",
        },
    )
    assert response.status_code == 400
    assert "超额拨付说明" in response.content.decode()
    assert not Payment.objects.exists()


def payment_post(client, **fields):
    data = {
        "payment-county": "140802",
        "payment-level": "city",
        "payment-paid_on": "2021-12-01",
        "payment-document_number": "运财建〔2021〕8号",
        "payment-amount": "100",
        **fields,
    }
    return client.post("/plans/2021/subsidies/payments/?period=2021-10", data)


def test_an_over_payment_is_refused_before_any_confirmation_and_the_error_is_anchored_at_the_form(
    users, web, make_report
):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1})
    response = payment_post(web(users["finance"]), **{"payment-level": "county", "payment-amount": "999999"})
    html = response.content.decode()
    assert response.status_code == 400 and "超额拨付说明" in html
    assert 'id="payment-confirm"' not in html and 'id="payment-errors"' in html
    assert 'action="/plans/2021/subsidies/payments/?period=2021-10#payment-form"' in html
    assert not Payment.objects.exists()


def test_a_valid_payment_is_confirmed_on_the_page_before_it_is_recorded(users, web, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1})
    client = web(users["finance"])
    response = payment_post(client)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="payment-confirm"' in html and "确认登记这笔拨付" in html
    assert not Payment.objects.exists()  # the check was rolled back
    response = payment_post(client, confirmed="1")
    assert response.status_code == 302 and Payment.objects.get().amount == 100
