"""One glossary and one number format across the pages (issue 13 item 11)."""

import pytest

from counties.templatetags.heating import pct, pct_points, person

pytestmark = pytest.mark.django_db


def test_every_percentage_has_one_decimal_whether_given_as_a_rate_or_as_points():
    from decimal import Decimal

    assert pct(Decimal("0.6")) == pct_points(Decimal("60.00")) == pct_points(60) == "60.0%"
    assert pct_points(None) == pct(None) == "—"


def test_the_language_menu_names_each_language_in_itself(users, web):
    response = web(users["city"]).get("/home/")
    assert response.status_code == 200
    html = response.content.decode()
    menu = html.split('name="language"')[1].split("</select>")[0]
    assert '<option value="en" lang="en">English</option>' in menu and ">简体中文</option>" in menu
    assert "英语" not in menu


def test_people_are_named_not_their_logins(users):
    finance = users["finance"]
    finance.first_name = "市财政局经建科"
    finance.save()
    assert person(finance) == "市财政局经建科"
    assert person(users["city"]) == "city"  # no name on the account: its login is all there is
    assert person(None) == "—"


def test_the_reconciliation_heading_counts_the_rows_the_table_shows(users, web, plan):
    response = web(users["city"]).get("/plans/2021/reconciliation/")
    assert response.status_code == 200
    html = response.content.decode()
    shown = html.split('id="reconciliation-table"')[1].split("</tbody>")[0].count("<tr data-county=")
    heading = html.split('id="reconciliation-count">')[1].split("</h2>")[0]
    assert f"下表共 {shown} 项" in heading


def test_the_dashboard_and_bulletin_use_the_glossary(users, web, make_report):
    from datetime import date

    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10}, submitted_on=date(2021, 8, 3))
    city = web(users["city"])
    response = city.get("/bulletin/?period=2021-07")
    assert response.status_code == 200
    bulletin = response.content.decode()
    assert "逾期报送：" in bulletin and "迟报" not in bulletin
    response = city.get("/dashboard/status/")
    assert response.status_code == 200
    grid = response.content.decode()
    assert "迟报" not in grid
