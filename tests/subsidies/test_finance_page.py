from datetime import date

from counties.models import County
from subsidies.services import grid_allocation_set, grid_investment_record, payment_record, settlement_create
from tests.http import html_of

PAGE = "/plans/2021/subsidies/"


def test_the_finance_page_shows_the_worked_example_with_city_and_county_shares(users, web, make_report):
    make_report(
        "140802",
        "2021-08",
        {("coal_to_electric", "urban"): 100, ("coal_to_gas", "rural"): 50, ("building_retrofit", "urban"): "1000"},
    )
    html = html_of(web(users["finance"]).get(PAGE, {"period": "2021-10"}))
    assert "385,000.00" in html and "465,000.00" in html and "850,000.00" in html
    assert "截至 2021-10" in html
    assert "集中供热：2021年方案未设一次性改造补助，补助按 0 元计。" in html


def test_the_month_picker_lists_the_plans_periods_and_changes_the_figures(users, web, make_report):
    make_report("140802", "2021-09", {("coal_to_electric", "urban"): 100})
    client = web(users["finance"])
    html = html_of(client.get(PAGE, {"period": "2021-10"}))
    for period in ("2021-06", "2021-07", "2021-08", "2021-09", "2021-10"):
        assert f'<option value="{period}"' in html
    assert "400,000.00" in html
    assert "400,000.00" not in html_of(client.get(PAGE, {"period": "2021-08"}))


def test_a_bad_period_on_the_page_is_a_clear_message_not_a_500(users, web):
    for bad in ("2021-13", "xyz", "2030-01", "2021-05"):
        response = web(users["finance"]).get(PAGE, {"period": bad})
        assert response.status_code == 400
        assert "period-error" in response.content.decode()


def test_an_unknown_plan_page_is_a_404(users, web):
    assert web(users["finance"]).get("/plans/1999/subsidies/").status_code == 404


def test_the_page_shows_grid_support_and_payments(users, web, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    yuhu = County.objects.get(code="140802")
    grid_investment_record(
        plan=plan, county=yuhu, project="农网改造", amount="200000", invested_on=date(2021, 7, 1), actor=users["clerk"]
    )
    grid_allocation_set(plan=plan, county=yuhu, amount="2500000", actor=users["finance"])
    payment_record(
        plan=plan,
        county=yuhu,
        level="county",
        paid_on=date(2021, 12, 1),
        document_number="盐财〔2021〕5号",
        amount="20000",
        actor=users["finance"],
    )
    html = html_of(web(users["finance"]).get(PAGE, {"period": "2021-10"}))
    assert "农网改造" in html and "30,000.00" in html  # 15% of 200,000
    assert "7,500,000.00" in html  # unallocated
    assert "盐财〔2021〕5号" in html
    # county level: due 20,000 + 30,000 grid = 50,000; paid 20,000; outstanding 30,000
    assert "50,000.00" in html


def test_the_page_runs_a_bounded_number_of_queries_whatever_the_data(
    users, web, plan, make_report, django_assert_max_num_queries
):
    for code in ("140802", "140881", "140882", "140821"):
        for period in ("2021-06", "2021-07", "2021-08"):
            make_report(code, period, {("coal_to_electric", "urban"): 3, ("building_retrofit", "rural"): "50"})
        county = County.objects.get(code=code)
        grid_investment_record(
            plan=plan, county=county, project="p", amount="1000", invested_on=date(2021, 7, 1), actor=users["finance"]
        )
        payment_record(
            plan=plan,
            county=county,
            level="city",
            paid_on=date(2021, 12, 1),
            document_number="d",
            amount="1",
            actor=users["finance"],
        )
    settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    client = web(users["finance"])
    with django_assert_max_num_queries(20):
        assert client.get(PAGE, {"period": "2021-10"}).status_code == 200


def test_the_payments_api_runs_a_bounded_number_of_queries(users, api, make_report, django_assert_max_num_queries):
    for code in ("140802", "140881"):
        make_report(code, "2021-07", {("coal_to_gas", "rural"): 3})
    client = api(users["finance"])
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/plans/2021/subsidies/payments/", {"period": "2021-10"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/plans/2021/subsidies/grid/").status_code == 200


def test_the_finance_page_counts_only_accepted_roster_households_as_payable(users, web, plan):
    from tests.households.helpers import make_household

    make_household(plan, seq=1, status="accepted", area_class="urban")  # 2,000 + 2,000
    make_household(plan, seq=2, status="completed", area_class="urban")  # completed, not accepted: not payable
    html = html_of(web(users["finance"]).get("/plans/2021/subsidies/"))
    section = html.split('id="payable-table"')[1].split("</table>")[0]
    assert 'data-county="140802"' in section
    cells = [c.strip() for c in section.split('data-county="140802"')[1].split("</tr>")[0].split("<td")[1:]]
    values = [c.split(">", 1)[1].split("<")[0] for c in cells]
    assert values == ["盐湖区", "1", "2,000.00", "2,000.00", "4,000.00"]


def test_form_labels_end_with_the_full_width_colon_in_chinese(users, web):
    html = html_of(web(users["finance"]).get("/plans/2021/subsidies/"))
    assert 'for="id_payment-amount">' in html
    label = html.split('for="id_payment-amount">')[1].split("</label>")[0]
    assert label.endswith("：") and not label.endswith(":")
