"""The admin's audit lists name people as the pages do (市财政局), not by their logins."""

from decimal import Decimal

from subsidies.models import SubsidyRule
from subsidies.services import subsidy_rule_update
from tests.http import html_of


def test_the_rule_change_list_names_who_changed_a_rate_by_the_accounts_name(users, web):
    finance = users["finance"]
    finance.first_name = "市财政局"
    finance.save(update_fields=["first_name"])
    rule = SubsidyRule.objects.filter(level="city").order_by("pk").first()
    subsidy_rule_update(
        rule=rule, amount=rule.amount + Decimal("1.00"), actor=finance, effective_from="2021-06", reason="文件调整"
    )
    html = html_of(web(users["admin"]).get("/admin/subsidies/subsidyrulechange/"))
    cells = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "市财政局" in cells
    assert ">finance<" not in cells


def test_an_account_without_a_name_is_shown_by_its_login(users, web):
    rule = SubsidyRule.objects.filter(level="city").order_by("pk").first()
    subsidy_rule_update(
        rule=rule,
        amount=rule.amount + Decimal("1.00"),
        actor=users["city"],
        effective_from="2021-06",
        reason="文件调整",
    )
    html = html_of(web(users["admin"]).get("/admin/subsidies/subsidyrulechange/"))
    assert ">city<" in html.split("<tbody>")[1]
