"""Reconciliation and payable figures read the roster summary, which every roster write keeps equal to a recount."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counties.models import County
from households import roster_summary
from households.models import Household, RosterSummary
from households.personal_data import personal_data_purge
from households.selectors import payable_by_county
from tests.households.helpers import make_household, post_import, row, workbook
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db
RECONCILIATION = "/api/v1/plans/2021/reconciliation/"


def summary(plan):
    return {
        (r.county.code, r.retrofit_type.code, r.area_class, r.status): (r.households, r.area_m2)
        for r in RosterSummary.objects.filter(plan=plan, households__gt=0).select_related("county", "retrofit_type")
    }


def test_imports_updates_acceptance_payment_admin_edits_and_purge_keep_the_summary_equal_to_a_recount(
    api, users, plan, settings, admin_client
):
    clerk, city = api(users["clerk"]), api(users["city"])
    rows = [row(i, name=f"户{i}") for i in range(1, 5)] + [
        row(5, type_="既有建筑节能改造", area_class="城镇", area="120.5"),
        row(6, completed=""),
    ]
    assert post_import(clerk, workbook(rows)).status_code == 201
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)
    # Counted by hand: 4 rural coal-to-electric completed, 1 urban building retrofit (120.5 m²), 1 registered.
    assert summary(plan) == {
        ("140802", "coal_to_electric", "rural", "completed"): (4, Decimal("0")),
        ("140802", "building_retrofit", "urban", "completed"): (1, Decimal("120.5")),
        ("140802", "coal_to_electric", "rural", "registered"): (1, Decimal("0")),
    }

    # An update-import changes a type and completes the registered household.
    rows[0] = row(1, name="户1", type_="煤改气")
    rows[5] = row(6)
    assert post_import(clerk, workbook(rows), mode="update").status_code == 201
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)

    ids = dict(Household.objects.values_list("head_name", "pk"))
    ids = [ids["户1"], ids["户2"], ids["户3"], ids["户4"]]  # 户1 now coal-to-gas, the others coal-to-electric
    response = clerk.post(
        "/api/v1/plans/2021/households/acceptance/",
        {"households": ids[:3], "accepted_on": "2021-10-20", "accepted_by": "第三方", "result": "passed"},
        format="json",
    )
    assert response.status_code == 200
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)
    response = city.post(
        "/api/v1/plans/2021/households/payment/", {"households": ids[:2], "paid_on": "2021-11-01"}, format="json"
    )
    assert response.status_code == 200
    assert summary(plan)[("140802", "coal_to_electric", "rural", "paid")] == (1, Decimal("0"))
    assert summary(plan)[("140802", "coal_to_gas", "rural", "paid")] == (1, Decimal("0"))
    assert summary(plan)[("140802", "coal_to_electric", "rural", "accepted")] == (1, Decimal("0"))
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)

    # An administrator moves a household to another county in the admin.
    moved = Household.objects.get(pk=ids[3])
    other = County.objects.get(code="140881")
    admin_client.force_login(users["admin"])
    form = {
        f.name: getattr(moved, f.attname) or ""
        for f in Household._meta.concrete_fields
        if f.name not in ("id", "pii_cipher", "id_number_index", "phone_index", "id_number_masked", "phone_masked")
        and f.editable
    }
    form.update(county=other.pk, plan=plan.pk, retrofit_type=moved.retrofit_type_id)
    response = admin_client.post(f"/admin/households/household/{moved.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Household.objects.get(pk=moved.pk).county_id == other.pk
    assert summary(plan)[("140881", "coal_to_electric", "rural", "completed")] == (1, Decimal("0"))
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)

    settings.PII_RETENTION_DAYS = 1
    personal_data_purge(user=users["city"], plan=plan, today=plan.deadline + timedelta(days=2))
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)


def test_payable_figures_come_from_the_summary_and_match_the_rules(users, plan):
    make_household(plan, seq=1, status="accepted")
    make_household(plan, seq=2, status="paid", area_class="urban")
    make_household(plan, seq=3, status="completed")
    make_household(plan, type_code="building_retrofit", seq=4, status="accepted", area_m2=Decimal("100.50"))
    (county,) = payable_by_county(user=users["city"], plan=plan)
    # rural electric 2,100 + urban electric 2,000 (city); 2,500 + 2,000 (county); building 45 / 90 per m².
    assert county["households"] == 3
    assert county["city"] == Decimal("2100") + Decimal("2000") + Decimal("4522.50")
    assert county["county_share"] == Decimal("2500") + Decimal("2000") + Decimal("9045.00")


def test_payable_figures_pay_each_household_at_the_rate_in_force_in_its_completion_month(users, plan):
    from subsidies.models import SubsidyRule
    from subsidies.services import subsidy_rule_rate_set

    make_household(plan, seq=1, status="accepted", completed_on=date(2021, 7, 15))
    make_household(plan, seq=2, status="accepted", completed_on=date(2021, 9, 2))
    make_household(plan, seq=3, status="paid", completed_on=date(2021, 10, 9))
    rule = SubsidyRule.objects.get(plan=plan, retrofit_type__code="coal_to_electric", area_class="rural", level="city")
    subsidy_rule_rate_set(rule=rule, amount="2600", effective_from="2021-09", reason="提标", actor=users["finance"])
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)
    (county,) = payable_by_county(user=users["city"], plan=plan)
    # July at the plan's 2,100; September and October at 2,600. The county's 2,500 never changed.
    assert county["households"] == 3
    assert county["city"] == Decimal("2100") + 2 * Decimal("2600")
    assert county["county_share"] == 3 * Decimal("2500")


def test_reconciliation_reads_the_same_number_of_queries_and_no_roster_rows_whatever_the_size(api, users, plan):
    client = api(users["city"])
    make_household(plan, seq=1)
    expect(client.get(RECONCILIATION))  # the first request of a session reads more (session, user, scope)
    with CaptureQueriesContext(connection) as small:
        expect(client.get(RECONCILIATION))
    for seq in range(2, 30):
        make_household(plan, "140881" if seq % 2 else "140802", seq=seq, status="accepted")
    with CaptureQueriesContext(connection) as larger:
        body = json_of(client.get(RECONCILIATION))
    assert len(larger) == len(small)
    assert not [q for q in larger if 'FROM "households_household"' in q["sql"]]
    assert sum(p["households"] for p in body["payable"]) == 28


def test_the_rebuild_command_recounts_a_summary_written_around_and_check_reports_it(plan):
    make_household(plan, seq=1)
    Household.objects.update(status="accepted", accepted_on=date(2021, 10, 1))  # behind the services' back
    with pytest.raises(CommandError, match="differs from a recount"):
        call_command("rebuild_roster_summary", "--check", stdout=io.StringIO())
    call_command("rebuild_roster_summary", "--plan", "2021", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_roster_summary", "--check", stdout=out)
    assert "matches" in out.getvalue()
    assert summary(plan) == {("140802", "coal_to_electric", "rural", "accepted"): (1, Decimal("0"))}


def test_a_create_import_adds_its_rows_to_the_existing_summary_without_recounting_the_roster(api, users, plan):
    make_household(plan, seq=90)  # already counted: 1 rural coal-to-electric completed in 2021-09
    make_household(plan, seq=91, area_class="urban", completed_on=date(2021, 8, 15))
    rows = [
        row(1),
        row(2),
        row(3, completed=date(2021, 10, 2)),
        row(4, type_="既有建筑节能改造", area_class="城镇", area="80.25"),
    ]
    with CaptureQueriesContext(connection) as queries:
        assert post_import(api(users["clerk"]), workbook(rows)).status_code == 201
    grouped_reads = [q["sql"] for q in queries if "GROUP BY" in q["sql"] and '"households_household"' in q["sql"]]
    assert grouped_reads == []  # nothing counted from the roster
    stored = {
        (r.retrofit_type.code, r.area_class, r.status, r.completed_period): (r.households, r.area_m2)
        for r in RosterSummary.objects.filter(plan=plan).select_related("retrofit_type")
    }
    # Counted by hand: September gets the two imported rows on top of the one there; October and the
    # building retrofit are new rows; August's urban household is unchanged.
    assert stored == {
        ("coal_to_electric", "rural", "completed", "2021-09"): (3, Decimal("0")),
        ("coal_to_electric", "urban", "completed", "2021-08"): (1, Decimal("0")),
        ("coal_to_electric", "rural", "completed", "2021-10"): (1, Decimal("0")),
        ("building_retrofit", "urban", "completed", "2021-09"): (1, Decimal("80.25")),
    }
    assert roster_summary.roster_recount_matches(plan_id=plan.pk)
