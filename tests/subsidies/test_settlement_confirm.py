"""Settling from the finance page: the server checks first, the confirmation comes after (issue 13 item 4)."""

import hashlib
from decimal import Decimal

import pytest

from subsidies.models import Settlement, SubsidyRule
from subsidies.services import settlement_create
from subsidies.templatetags.subsidy_tags import yuan
from tests.http import expect, html_of, json_of

PAGE = "/plans/2021/subsidies/"
POST = "/plans/2021/subsidies/settlements/"


@pytest.fixture
def reports(make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100, ("coal_to_gas", "rural"): 50})
    make_report("140881", "2021-08", {("coal_to_electric", "rural"): 7})


def confirm_section(html: str) -> str:
    start = html.index('id="settlement-confirm"')
    return html[start : html.index("</div>", start)]


def test_the_settlement_form_has_no_script_confirm_and_answers_at_the_form(users, web, reports):
    page = html_of(web(users["finance"]).get(PAGE))
    form = page[page.index('id="settlement-form"') - 200 : page.index("</form>", page.index('id="settlement-form"'))]
    assert "data-confirm" not in form and "#settlement-form" in form and 'id="settlement-check-button"' in form


def test_the_first_click_checks_on_the_server_shows_the_total_and_stores_nothing(users, web, api, reports):
    live_total = json_of(api(users["finance"]).get("/api/v1/plans/2021/subsidies/", {"period": "2021-10"}))["totals"]
    response = web(users["finance"]).post(POST, {"settlement-period": "2021-10"})
    assert response.status_code == 200
    section = confirm_section(response.content.decode())
    assert "检查通过，尚未结算" in section and "2021-10" in section
    assert yuan(live_total["total"]) in section and Decimal(live_total["total"]) > 0
    assert f'name="checked_total" value="{live_total["total"]}"' in section
    assert 'name="confirmed" value="1"' in section and "将取代" not in section
    assert not Settlement.objects.exists()


def test_the_confirmed_post_stores_the_settlement_with_the_hash_of_its_stored_bytes(users, web, reports):
    client = web(users["finance"])
    checked = confirm_section(html_of(client.post(POST, {"settlement-period": "2021-10"})))
    total = checked.split('name="checked_total" value="')[1].split('"')[0]
    response = client.post(
        POST, {"settlement-period": "2021-10", "confirmed": "1", "checked_period": "2021-10", "checked_total": total}
    )
    assert response.status_code == 302
    settlement = Settlement.objects.get()
    assert settlement.period == "2021-10" and settlement.figures["totals"]["total"] == total
    assert settlement.sha256 == hashlib.sha256(bytes(settlement.xlsx)).hexdigest()


def test_an_unsuperseded_second_settlement_is_refused_at_the_form_before_any_confirmation(users, web, plan, reports):
    first = settlement_create(plan=plan, period="2021-09", actor=users["finance"])
    response = web(users["finance"]).post(POST, {"settlement-period": "2021-10"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="settlement-errors"' in html and "取代" in html and 'id="settlement-confirm"' not in html
    assert list(Settlement.objects.all()) == [first]


def test_checking_a_superseding_settlement_names_the_one_it_replaces_and_leaves_it_current(users, web, plan, reports):
    first = settlement_create(plan=plan, period="2021-09", actor=users["finance"])
    response = expect(web(users["finance"]).post(POST, {"settlement-period": "2021-10", "settlement-supersede": "on"}))
    section = confirm_section(response.content.decode())
    assert f"将取代当前有效结算 #{first.pk}（截至 2021-09）" in section
    first.refresh_from_db()
    assert first.is_current and Settlement.objects.count() == 1


def test_figures_that_changed_after_the_check_are_not_settled(users, web, reports):
    client = web(users["finance"])
    checked = confirm_section(html_of(client.post(POST, {"settlement-period": "2021-10"})))
    total = checked.split('name="checked_total" value="')[1].split('"')[0]
    SubsidyRule.objects.filter(plan__year=2021).update(amount=Decimal("1"))  # someone edits the rates meanwhile
    response = client.post(
        POST, {"settlement-period": "2021-10", "confirmed": "1", "checked_period": "2021-10", "checked_total": total}
    )
    assert response.status_code == 400 and "已有变化" in response.content.decode()
    assert not Settlement.objects.exists()


def test_a_confirmation_for_another_month_than_the_checked_one_only_checks_again(users, web, reports):
    response = web(users["finance"]).post(
        POST, {"settlement-period": "2021-09", "confirmed": "1", "checked_period": "2021-10", "checked_total": "1.00"}
    )
    assert response.status_code == 200 and "截至 2021-09" in confirm_section(response.content.decode())
    assert not Settlement.objects.exists()
