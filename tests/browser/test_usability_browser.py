"""What a new user stumbled on (issue 13), checked in chromium at 1366×768 (an office PC) and 390×844
(a phone): filing from the to-do list, the subsidy rule form, wide tables, small pages."""

import pytest
from playwright.sync_api import expect

from reports.models import Report, ReportStatus
from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OFFICE = {"width": 1366, "height": 768}
TYPES = ["coal_to_electric", "coal_to_gas", "district_heating", "building_retrofit"]  # the annex order


@pytest.fixture
def some_reports(make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1000, ("coal_to_gas", "urban"): 200})
    make_report("140881", "2021-08", {("building_retrofit", "urban"): "25000"}, status=ReportStatus.SUBMITTED)
    make_report("140821", "2021-07", {("coal_to_electric", "rural"): 999}, status=ReportStatus.DRAFT)


class Clicks:
    """Counts what the user clicks: page elements and the answers to any confirmation dialog."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        page.on("dialog", self._accept)

    def _accept(self, dialog):
        self.count += 1
        dialog.accept()

    def click(self, selector):
        self.count += 1
        self.page.click(selector)


def focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement; return e.tagName === 'BUTTON' ? e.id : e.name || e.id; }"
    )


def test_a_clerk_files_a_month_from_the_home_page_in_three_clicks_typing_every_field_in_tab_order(
    live_server, users, page
):
    browser_login(page, live_server, "clerk-140802")  # lands on the home page
    clicks = Clicks(page)
    entry = page.locator("#todo-file-2021-10")
    expect(entry).to_be_visible()
    screenshot(page, "clerk-home-todo")
    clicks.click("#todo-file-2021-10")
    page.wait_for_selector("#report-form")

    # The cursor starts in the first cell; Tab walks the sheet row by row, then the texts and buttons.
    expected = [f"line__{t}__{area}" for t in TYPES for area in ("urban", "rural")]
    expected += ["narrative", "problems", "save-draft", "save-submit"]
    values = {
        "line__coal_to_electric__urban": "120",
        "line__coal_to_electric__rural": "80",
        "line__coal_to_gas__rural": "30",
        "line__building_retrofit__urban": "1500.5",
        "narrative": "本月完成煤改电200户、煤改气30户，既有建筑节能改造1500.5平方米。",
    }
    seen = []
    for name in expected:
        seen.append(focused(page))
        if name in values:
            page.keyboard.type(values[name])
        if name != expected[-1]:
            page.keyboard.press("Tab")
    assert seen == expected
    screenshot(page, "clerk-report-form-typed")
    expect(page.locator("[data-after-for=coal_to_electric] .after-value")).to_have_text("200")

    # The focus is on 保存并报送: one click; the server checks everything, saves nothing yet and asks
    # where the buttons were: one click more to confirm.
    clicks.click("#save-submit")
    expect(page.locator("#submit-confirm")).to_be_in_viewport()
    clicks.click("#confirm-submit")
    page.wait_for_selector("text=月报已报送市清洁取暖办")
    assert "已报送" in page.inner_text("#report-status")
    assert clicks.count <= 3, clicks.count
    assert clicks.count == 3  # the to-do entry, 保存并报送, its confirmation
    report = Report.objects.get(county__code="140802", period="2021-10")
    assert report.status == ReportStatus.SUBMITTED
    lines = {(line.retrofit_type.code, line.area_class): line for line in report.lines.select_related("retrofit_type")}
    assert lines[("coal_to_electric", "urban")].households == 120
    assert str(lines[("building_retrofit", "urban")].area_m2) == "1500.50"

    # Back home the month is no longer a to-do.
    assert page.goto(f"{live_server.url}/home/").status == 200
    assert page.locator("#todo-file-2021-10").count() == 0
    assert page.locator("#todo-file-2021-09").count() == 1


def rule_form_fits(page):
    """The first rule's 原因 and 保存 lie inside the window and inside the table's scroll box."""
    form = page.locator(".rule-form").first
    form.scroll_into_view_if_needed()
    box = page.locator("#rules-table").locator("xpath=ancestor::div[contains(@class,'table-wrap')]").bounding_box()
    width = page.viewport_size["width"]
    for element in (form.locator("input[name$=reason]"), form.locator("button[type=submit]")):
        rect = element.bounding_box()
        assert rect is not None and rect["width"] > 0
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= min(width, box["x"] + box["width"]) + 1, rect


def test_finance_sees_the_reason_and_save_of_a_subsidy_rule_on_an_office_pc_and_a_phone(live_server, users, page):
    browser_login(page, live_server, "finance")
    assert page.goto(f"{live_server.url}/plans/2021/subsidies/rules/").status == 200
    rule_form_fits(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "subsidy-rules-office")
    page.set_viewport_size(PHONE)
    assert page.reload().status == 200
    rule_form_fits(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "subsidy-rules-phone")


def test_the_annex_table_scrolls_in_a_named_keyboard_box_with_the_county_column_frozen(
    live_server, users, page, some_reports
):
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}/dashboard/?period=2021-08").status == 200
    wrap = page.locator("#progress-table").locator("xpath=..")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # wider than its box at 1366×768
    assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "region"
    assert wrap.get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Keyboard: the box takes the focus and the arrow keys scroll it; at the far end the totals
    # show with the county still in view beside them.
    wrap.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("e => e.scrollLeft > 0", arg=wrap.element_handle())
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    box = wrap.bounding_box()
    county = page.locator('#progress-table tr[data-county="140802"] > :nth-child(2)').bounding_box()
    total = page.locator("#sum-completed").bounding_box()
    assert box["x"] <= county["x"] and county["x"] + county["width"] <= box["x"] + box["width"]
    assert total["x"] + total["width"] <= box["x"] + box["width"] + 1
    assert county["x"] + county["width"] <= total["x"]
    screenshot(page, "annex-scrolled")


def test_on_a_phone_the_month_opens_the_report_and_the_status_grid_opens_on_the_current_month(
    live_server, users, page, some_reports
):
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}/reports/").status == 200
    link = page.locator("#report-table tbody tr").first.locator("td").first.locator("a")
    rect = link.bounding_box()
    assert rect["x"] + rect["width"] <= PHONE["width"]
    link.click()
    page.wait_for_url("**/reports/*/")

    assert page.goto(f"{live_server.url}/dashboard/status/").status == 200
    # The plan ended in 2021: its current month is its last, 2021-10.
    current = page.locator('#status-grid th.current[data-period="2021-10"]')
    wrap = page.locator("#status-grid").locator("xpath=..")
    page.wait_for_function("e => e.scrollLeft > 0", arg=wrap.element_handle())
    box, cell = wrap.bounding_box(), current.bounding_box()
    assert box["x"] <= cell["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("url", ["/bulletin/?period=2021-08", "/reports/", "/home/"])
def test_these_pages_do_not_scroll_sideways_on_a_phone(live_server, users, page, some_reports, url):
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}{url}").status == 200
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url


def test_a_settlement_with_its_sha256_does_not_scroll_sideways_on_a_phone(live_server, users, page, plan, make_report):
    from subsidies.services import settlement_create

    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    settlement = settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, "finance")
    assert page.goto(f"{live_server.url}/plans/2021/subsidies/settlements/{settlement.pk}/").status == 200
    digest = page.locator("code.digest")
    assert digest.inner_text() == settlement.sha256 and len(settlement.sha256) == 64
    assert digest.bounding_box()["x"] + digest.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
