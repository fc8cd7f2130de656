import pytest

from tests.conftest import browser_login, screenshot
from tests.counties.test_plan_loading import ANNEX

pytestmark = pytest.mark.browser


def test_a_clerk_logs_in_and_reads_the_annex_table(live_server, users, page):
    browser_login(page, live_server, "clerk-140802")
    page.click("text=目标任务表")
    page.wait_for_selector("#annex-table")
    rows = page.locator("#annex-table tbody tr")
    assert rows.count() == 13
    first = rows.nth(0).locator("td").all_inner_texts()
    assert first == ["1", "盐湖区", "10000", "4231", "1500", "0", "15731"]
    total = page.locator("#annex-table tfoot tr").inner_text()
    assert "89369" in total and "合计" in total
    assert len(ANNEX) == rows.count()
    screenshot(page, "annex")
