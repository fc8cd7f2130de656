import pytest

from subsidies.models import Payment
from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_finance_picks_a_month_records_a_payment_after_confirming_and_the_page_fits(
    live_server, users, page, make_report
):
    make_report(
        "140802",
        "2021-08",
        {("coal_to_electric", "urban"): 100, ("coal_to_gas", "rural"): 50, ("building_retrofit", "urban"): "1000"},
    )
    browser_login(page, live_server, "finance")
    page.goto(f"{live_server.url}/plans/2021/subsidies/?period=2021-07")
    assert "385,000.00" not in page.locator("#subsidy-table").inner_text()
    page.select_option("#period", "2021-10")
    page.wait_for_url("**period=2021-10")
    row = page.locator('#subsidy-table tbody tr[data-county="140802"]')
    assert row.locator("td.city-share").inner_text() == "385,000.00"
    assert row.locator("td.county-share").inner_text() == "465,000.00"
    screenshot(page, "subsidies-finance")

    page.select_option("#id_payment-county", "140802")
    page.select_option("#id_payment-level", "city")
    page.fill("#id_payment-paid_on", "2021-12-01")
    page.fill("#id_payment-document_number", "运财建〔2021〕8号")
    page.fill("#id_payment-amount", "100000")
    # The first click only checks on the server; the confirmation is shown beside the form.
    page.click("#payment-check-button")
    assert page.url.endswith("#payment-form")
    assert Payment.objects.count() == 0
    confirm = page.locator("#payment-confirm")
    assert "确认登记这笔拨付" in confirm.inner_text() and "100,000.00" in confirm.inner_text()
    page.click("#payment-confirm-button")
    page.wait_for_selector(".messages .msg-success")
    assert Payment.objects.count() == 1

    # No sideways scrolling of the page itself at 1366×768; wide tables scroll inside .table-wrap.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "subsidies-phone")


def test_finance_settles_after_the_server_checked_and_the_confirmation_is_at_the_form(
    live_server, users, page, make_report
):
    from subsidies.models import Settlement

    # DOMAIN.md's worked example: city 385,000.00 + county 465,000.00
    make_report(
        "140802",
        "2021-08",
        {("coal_to_electric", "urban"): 100, ("coal_to_gas", "rural"): 50, ("building_retrofit", "urban"): "1000"},
    )
    browser_login(page, live_server, "finance")
    page.goto(f"{live_server.url}/plans/2021/subsidies/?period=2021-10")
    page.select_option("#id_settlement-period", "2021-10")
    # No script dialog: the first click goes to the server, which answers beside the form.
    page.on("dialog", lambda dialog: pytest.fail(f"unexpected dialog: {dialog.message}"))
    page.click("#settlement-check-button")
    assert page.url.endswith("#settlement-form")
    confirm = page.locator("#settlement-confirm")
    assert "检查通过，尚未结算" in confirm.inner_text() and "850,000.00" in confirm.inner_text()
    assert Settlement.objects.count() == 0
    # The confirm state is reached only by a POST, so the page sweep never sees it: check it here.
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_accessibility_sweep import AXE_OPTIONS, _problems

    assert _problems(Axe().run(page, options=AXE_OPTIONS)) == []
    page.click("#settlement-confirm-button")
    page.wait_for_selector(".messages .msg-success")
    settlement = Settlement.objects.get()
    assert settlement.period == "2021-10" and settlement.figures["totals"]["total"] == "850000.00"
    # A second settlement without 取代 is refused at the form, before any confirmation.
    page.goto(f"{live_server.url}/plans/2021/subsidies/?period=2021-10")
    page.click("#settlement-check-button")
    assert page.locator("#settlement-errors").is_visible()
    assert page.locator("#settlement-confirm").count() == 0 and Settlement.objects.count() == 1
