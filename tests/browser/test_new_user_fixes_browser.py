"""What new users still stumbled on (issue 22, section 4), in chromium: the totals of wide tables stay
on screen at 1366×768, the header never breaks 修改密码 or 退出 mid-word on a phone, the favicon loads."""

import pytest

from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def inside_viewport(page, selector):
    box = page.locator(selector).first.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["width"] > 0, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
    return box


def test_the_dashboard_keeps_the_county_and_its_total_households_in_view_at_1366(live_server, users, page, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1000, ("coal_to_gas", "urban"): 200})
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}/dashboard/?period=2021-08").status == 200
    wrap = page.locator("#progress-table").locator("xpath=..")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is still wider than its box
    total = inside_viewport(page, "#sum-completed")
    row_total = inside_viewport(page, '#progress-table tr[data-county="140802"] td.stick-r1')
    county = inside_viewport(page, '#progress-table tr[data-county="140802"] > :nth-child(2)')
    assert page.locator('#progress-table tr[data-county="140802"] td.stick-r1').inner_text() == "1200"
    assert county["x"] + county["width"] <= row_total["x"] and abs(total["x"] - row_total["x"]) < 1
    # Scrolled half-way, the two still show.
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth / 2; }")
    inside_viewport(page, "#sum-completed")
    inside_viewport(page, '#progress-table tr[data-county="140802"] > :nth-child(2)')
    screenshot(page, "dashboard-totals-in-view")


def test_finance_sees_city_county_and_total_subsidy_at_1366(live_server, users, page, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    browser_login(page, live_server, "finance")
    assert page.goto(f"{live_server.url}/plans/2021/subsidies/?period=2021-10").status == 200
    wrap = page.locator("#subsidy-table").locator("xpath=..")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    row = '#subsidy-table tbody tr[data-county="140802"]'
    city, county, total = (inside_viewport(page, f"{row} td.{c}") for c in ("stick-r3", "stick-r2", "stick-r1"))
    assert city["x"] + city["width"] <= county["x"] + 1 and county["x"] + county["width"] <= total["x"] + 1
    assert page.locator(f"{row} td.stick-r1").inner_text() == "400,000.00"  # 100 × (2,000 + 2,000)
    inside_viewport(page, f"{row} > :nth-child(2)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "subsidy-totals-in-view")


def test_on_a_phone_the_header_wraps_between_words_and_names_the_office_once(live_server, users, page):
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, "finance")
    for selector in (".userbox a[href*=password]", ".userbox button.link"):
        link = page.locator(selector)
        # One line: a box no taller than the line it is set in.
        height = link.evaluate("e => e.getBoundingClientRect().height")
        line = link.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || e.getBoundingClientRect().height")
        assert height <= line * 1.3, (selector, height, line)
        inside_viewport(page, selector)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "header-phone")


def test_the_browser_finds_the_icon(live_server, users, page):
    browser_login(page, live_server, "city")
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.status == 200 and response.url.endswith("/static/favicon.ico")
