"""Subsidy rates with an effective month (issue 19 §4): a rate change applies to households completed in its
month and later; those completed earlier keep the rate in force then. Expected figures are worked out by hand
here from the plan's table (DOMAIN.md), not read from the code under test."""

import hashlib
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from counties.models import County
from subsidies.models import Settlement, SubsidyRule, SubsidyRuleChange
from subsidies.services import payment_record, settlement_create, subsidy_rule_update

BASE = "/api/v1/plans/2021/subsidies/"
PAGE = "/plans/2021/subsidies/rules/"


def rule(code="coal_to_electric", area_class="urban", level="city"):
    return SubsidyRule.objects.get(plan__year=2021, retrofit_type__code=code, area_class=area_class, level=level)


def change(client, target, **body):
    return client.patch(f"{BASE}rules/{target.pk}/", body, format="json")


def yuhu_row(body):
    return next(r for r in body["rows"] if r["county"] == "140802")


@pytest.fixture
def two_months(make_report):
    """盐湖区: 100 urban coal-to-electric households completed in 2021-07, 60 more in 2021-08."""
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    make_report("140802", "2021-08", {("coal_to_electric", "urban"): 60})


# --- the worked example ------------------------------------------------------------------------


def test_households_completed_before_the_effective_month_keep_the_earlier_rate(users, api, two_months):
    client = api(users["finance"])
    response = change(client, rule(), amount="2500.00", effective_from="2021-08", reason="市政府常务会议调整")
    assert response.status_code == 200, response.json()

    august = client.get(BASE, {"period": "2021-08"})
    assert august.status_code == 200
    cell = yuhu_row(august.json())["by_type"]["coal_to_electric"]["urban"]
    # city: 100 × 2,000 (July, old rate) + 60 × 2,500 (August, new rate) = 200,000 + 150,000
    assert cell == {"units": 160, "city_share": "350000.00", "county_share": "320000.00"}  # county: 160 × 2,000
    assert yuhu_row(august.json())["total"] == "670000.00"

    july = client.get(BASE, {"period": "2021-07"})
    assert july.status_code == 200
    assert yuhu_row(july.json())["city_share"] == "200000.00"  # only July's households, at the old rate
    # the rate shown for a month is the one in force in it
    rates = {t["code"]: t["rates"] for t in august.json()["types"]}
    assert rates["coal_to_electric"]["urban"]["city"] == "2500.00"
    rates = {t["code"]: t["rates"] for t in july.json()["types"]}
    assert rates["coal_to_electric"]["urban"]["city"] == "2000.00"


def test_a_per_m2_rate_change_splits_the_area_by_month(users, api, make_report):
    make_report("140802", "2021-07", {("building_retrofit", "rural"): "100.50"})
    make_report("140802", "2021-09", {("building_retrofit", "urban"): "33.33"})
    client = api(users["finance"])
    response = change(client, rule("building_retrofit", "any"), amount="50", effective_from="2021-09", reason="调整")
    assert response.status_code == 200
    body = client.get(BASE, {"period": "2021-10"})
    assert body.status_code == 200
    cells = yuhu_row(body.json())["by_type"]["building_retrofit"]
    assert cells["rural"]["city_share"] == "4522.50"  # 100.50 m² × 45 (July)
    assert cells["urban"]["city_share"] == "1666.50"  # 33.33 m² × 50 (September)
    assert yuhu_row(body.json())["city_share"] == "6189.00"


def test_the_payments_due_and_outstanding_use_each_months_rate(users, api, web, plan, two_months):
    client = api(users["finance"])
    assert change(client, rule(), amount="2500.00", effective_from="2021-08", reason="调整").status_code == 200
    payments = client.get(f"{BASE}payments/", {"period": "2021-10"})
    assert payments.status_code == 200
    city = yuhu_row(payments.json())["levels"]["city"]
    assert (city["subsidy"], city["due"], city["outstanding"]) == ("350000.00", "350000.00", "350000.00")
    page = web(users["finance"]).get("/plans/2021/subsidies/", {"period": "2021-10"})
    assert page.status_code == 200 and "350,000.00" in page.content.decode()

    yuhu = County.objects.get(code="140802")
    paid = {"plan": plan, "county": yuhu, "level": "city", "paid_on": date(2021, 11, 1), "actor": users["finance"]}
    with pytest.raises(ValidationError, match="超过尚未拨付的 350000.00 元"):
        payment_record(document_number="运财〔2021〕1号", amount="350000.01", **paid)
    payment_record(document_number="运财〔2021〕2号", amount="350000.00", **paid)  # exactly what is due: no reason


def test_a_later_change_from_an_earlier_month_sets_every_month_from_its_own_on(users, api, two_months):
    client = api(users["finance"])
    assert change(client, rule(), amount="3000", effective_from="2021-10", reason="十月起").status_code == 200
    assert change(client, rule(), amount="2500", effective_from="2021-08", reason="改为八月起").status_code == 200
    listed = client.get(f"{BASE}rules/")
    assert listed.status_code == 200
    periods = next(r for r in listed.json()["rules"] if r["id"] == rule().pk)["periods"]
    assert periods == [
        {"start": "2021-06", "end": "2021-07", "amount": "2000.00"},
        {"start": "2021-08", "end": "2021-10", "amount": "2500.00"},
    ]
    assert rule().amount == Decimal("2500.00")


def test_a_change_that_leaves_every_month_as_it_was_records_nothing(users, two_months):
    subsidy_rule_update(rule=rule(), amount="2500", effective_from="2021-08", reason="调整", actor=users["finance"])
    subsidy_rule_update(rule=rule(), amount="2500", effective_from="2021-09", reason="重复", actor=users["finance"])
    assert SubsidyRuleChange.objects.count() == 1
    # the same amount from an earlier month is a change: July's households now get it too
    subsidy_rule_update(rule=rule(), amount="2500", effective_from="2021-07", reason="提前", actor=users["finance"])
    assert SubsidyRuleChange.objects.count() == 2


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"amount": "2500", "reason": "调整"}, "effective_from", "请选择新标准的生效月份"),
        ({"amount": "2500", "effective_from": "", "reason": "调整"}, "effective_from", "请选择新标准的生效月份"),
        ({"amount": "2500", "effective_from": "2021-08"}, "reason", "请填写修改原因"),
        ({"amount": "2500", "effective_from": "2021-08", "reason": "  "}, "reason", "请填写修改原因"),
        ({"amount": "2500", "effective_from": "2022-01", "reason": "调整"}, "effective_from", "不在"),
        ({"amount": "2500", "effective_from": "2021-05", "reason": "调整"}, "effective_from", "不在"),
        ({"amount": "2500", "effective_from": "2021-13", "reason": "调整"}, "effective_from", ""),
        ({"amount": "2500", "effective_from": "八月", "reason": "调整"}, "effective_from", ""),
    ],
)
def test_a_change_without_a_month_of_the_plan_or_a_reason_is_a_400_in_chinese(users, api, body, field, message):
    response = change(api(users["finance"]), rule(), **body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and message in " ".join(errors[field])
    assert all(not text.isascii() for text in errors[field])  # Chinese sentences
    assert rule().amount == Decimal("2000.00") and not SubsidyRuleChange.objects.exists()


def test_a_change_missing_both_names_both(users, api):
    response = change(api(users["city"]), rule(), amount="2500")
    assert response.status_code == 400
    assert {"effective_from", "reason"} <= set(response.json()["errors"])


@pytest.mark.parametrize("role", ["admin", "clerk", "other_clerk", "department", "norole"])
def test_roles_other_than_finance_and_the_city_office_may_not_change_a_rate(users, api, role):
    response = change(api(users[role]), rule(), amount="2500", effective_from="2021-08", reason="调整")
    assert response.status_code == 403
    assert rule().amount == Decimal("2000.00") and not SubsidyRuleChange.objects.exists()


def test_the_rules_page_asks_for_the_month_and_the_reason(users, web):
    target = rule()
    response = web(users["finance"]).post(PAGE, {"rule": target.pk, f"rule{target.pk}-amount": "2500"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择新标准的生效月份" in html and "请填写修改原因" in html
    assert rule().amount == Decimal("2000.00")


def test_the_rules_page_lists_each_rates_periods_and_the_effective_month_of_each_change(users, web):
    subsidy_rule_update(rule=rule(), amount="3500", effective_from="2021-10", reason="十月起调整", actor=users["city"])
    page = web(users["finance"]).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "2021-06 至 2021-09：2,000.00元；2021-10 起：3,500.00元" in text
    assert "2021-06 起：2,100.00元" in html  # an unchanged rule: one period
    changes = html.split('id="rule-changes"')[1]
    assert "2021-10" in changes and "十月起调整" in changes


# --- bounds and frozen settlements --------------------------------------------------------------------


def test_the_table_and_the_rules_stay_bounded_whatever_the_number_of_changes(
    users, api, make_report, django_assert_max_num_queries
):
    for code in ("140802", "140881", "140882"):
        for period in ("2021-06", "2021-07", "2021-08", "2021-09"):
            make_report(code, period, {("coal_to_electric", "urban"): 5, ("building_retrofit", "rural"): "10"})
    for target in SubsidyRule.objects.filter(plan__year=2021):
        for month, step in (("2021-07", 1), ("2021-09", 2), ("2021-08", 3)):
            subsidy_rule_update(
                rule=target, amount=target.amount + step, effective_from=month, reason="调整", actor=users["finance"]
            )
    client = api(users["finance"])
    with django_assert_max_num_queries(8):  # as before rates had months
        assert client.get(BASE, {"period": "2021-10"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}rules/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{BASE}payments/", {"period": "2021-10"}).status_code == 200


def test_a_rate_change_leaves_a_frozen_settlement_as_it_was(users, api, plan, two_months):
    settlement = settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    figures, sha256 = json.dumps(settlement.figures, sort_keys=True), settlement.sha256
    client = api(users["finance"])
    assert change(client, rule(), amount="2500", effective_from="2021-08", reason="调整").status_code == 200
    live = client.get(BASE, {"period": "2021-10"})
    assert live.status_code == 200 and live.json()["totals"]["city_share"] != settlement.figures["totals"]["city_share"]

    stored = Settlement.objects.get(pk=settlement.pk)
    assert json.dumps(stored.figures, sort_keys=True) == figures and stored.sha256 == sha256
    assert hashlib.sha256(bytes(stored.xlsx)).hexdigest() == sha256
    assert stored.figures["totals"]["city_share"] == "320000.00"  # 160 × 2,000, as frozen
    detail = client.get(f"{BASE}settlements/{settlement.pk}/")
    assert detail.status_code == 200 and detail.json()["sha256"] == sha256
    download = client.get(f"{BASE}settlements/{settlement.pk}/export.xlsx")
    assert download.status_code == 200
    content = b"".join(download.streaming_content) if download.streaming else download.content
    assert hashlib.sha256(content).hexdigest() == sha256


# --- the plan file loader and the migration ------------------------------------------------------------


def _plan_with_rate(tmp_path, amount):
    from tests.counties.test_plan_loading import shipped_plan, write_plan

    data = shipped_plan()
    row = next(r for r in data["subsidy_rules"] if (r["type"], r["area_class"]) == ("coal_to_electric", "urban"))
    row["city"] = amount
    return write_plan(tmp_path, data)


def test_reloading_a_plan_file_with_a_changed_rate_records_a_change_from_the_given_month(plan, tmp_path):
    path = _plan_with_rate(tmp_path, "2600")
    call_command("load_plan", path, "--rates-effective-from", "2021-09", "--rates-reason", "补充通知")
    found = SubsidyRuleChange.objects.get()
    assert (found.rule, found.old_amount, found.new_amount) == (rule(), Decimal("2000.00"), Decimal("2600.00"))
    assert (found.effective_from, found.reason, found.changed_by) == ("2021-09", "补充通知", None)
    call_command("load_plan", path)  # the same file again changes nothing
    assert SubsidyRuleChange.objects.count() == 1


def test_reloading_without_a_month_applies_the_files_rate_to_the_whole_plan(plan, tmp_path):
    call_command("load_plan", _plan_with_rate(tmp_path, "2600"))
    found = SubsidyRuleChange.objects.get()
    assert found.effective_from == "2021-06" and found.reason  # the plan's first month, with a note


def test_reloading_with_a_month_outside_the_plan_is_refused_and_nothing_changes(plan, tmp_path):
    with pytest.raises(CommandError, match="不在"):
        call_command("load_plan", _plan_with_rate(tmp_path, "2600"), "--rates-effective-from", "2022-03")
    assert rule().amount == Decimal("2000.00") and not SubsidyRuleChange.objects.exists()


def test_the_migration_gives_existing_changes_the_plans_first_month_and_a_reason_note(users):
    from django.apps import apps

    from subsidies.migrations import __name__ as package

    fill = __import__(f"{package}.0004_rule_change_effective_month", fromlist=["fill_effective_from"])
    target = rule()
    SubsidyRuleChange.objects.bulk_create(
        [
            SubsidyRuleChange(rule=target, changed_by=users["finance"], old_amount=2000, new_amount=2100),
            SubsidyRuleChange(
                rule=target, changed_by=users["finance"], old_amount=2100, new_amount=2000, reason="回调"
            ),
        ]
    )
    fill.fill_effective_from(apps, None)
    assert sorted(SubsidyRuleChange.objects.values_list("effective_from", "reason")) == [
        ("2021-06", "回调"),
        ("2021-06", "（修改时未填写原因）"),
    ]


def test_the_table_and_its_workbook_say_which_rates_changed_before_the_as_of_month(users, api, two_months):
    import io

    import openpyxl

    client = api(users["finance"])
    assert change(client, rule(), amount="2500", effective_from="2021-08", reason="调整").status_code == 200
    july = client.get(BASE, {"period": "2021-07"})
    assert july.status_code == 200
    types = {t["code"]: t for t in july.json()["types"]}
    assert types["coal_to_electric"]["rate_periods"]["urban"]["city"] == [
        {"start": "2021-06", "end": "2021-07", "amount": "2000.00"}
    ]
    body = client.get(BASE, {"period": "2021-09"})
    assert body.status_code == 200
    types = {t["code"]: t for t in body.json()["types"]}
    assert types["coal_to_electric"]["rate_periods"]["urban"]["city"] == [
        {"start": "2021-06", "end": "2021-07", "amount": "2000.00"},
        {"start": "2021-08", "end": "2021-09", "amount": "2500.00"},
    ]
    assert types["building_retrofit"]["rate_periods"]["rural"]["city"] == [
        {"start": "2021-06", "end": "2021-09", "amount": "45.00"}
    ]
    response = client.get(f"{BASE}export.xlsx", {"period": "2021-09"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [
        str(c) for row in openpyxl.load_workbook(io.BytesIO(content))["汇总"].iter_rows(values_only=True) for c in row
    ]
    assert "煤改电·中心城区及县城·市级：2021-06 至 2021-07 2,000.00 元；2021-08 起 2,500.00 元" in cells
    unchanged = client.get(f"{BASE}export.xlsx", {"period": "2021-07"})
    assert unchanged.status_code == 200
    content = b"".join(unchanged.streaming_content) if unchanged.streaming else unchanged.content
    text = " ".join(
        str(c) for row in openpyxl.load_workbook(io.BytesIO(content))["汇总"].iter_rows(values_only=True) for c in row
    )
    assert "有调整" not in text
