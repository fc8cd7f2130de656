import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


def logout(page, live_server):
    page.click("header button:has-text('退出')")
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def test_a_report_goes_from_clerk_to_city_and_back_until_approved_and_counts_as_progress(live_server, users, page):
    page.on("dialog", lambda dialog: dialog.accept())

    # The clerk opens July, types the month's figures and watches the totals update.
    browser_login(page, live_server, "clerk-140802")
    page.click("#todo-file-2021-07")  # the home page's to-do list
    page.fill("input[name=line__coal_to_electric__urban]", "1200")
    page.fill("input[name=line__coal_to_electric__rural]", "300")
    # expect() retries: the form script may still be loading when the first keystrokes land
    expect(page.locator("[data-after-for=coal_to_electric] .after-value")).to_have_text("1500")
    expect(page.locator("[data-rate-for=coal_to_electric] .rate-value")).to_have_text("15.0%")
    page.fill("textarea[name=narrative]", "本月完成煤改电1500户，其中城区1200户。")
    page.click("#save-draft")
    page.wait_for_selector("text=草稿已保存")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    screenshot(page, "report-form-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("#save-submit")
    # The server checked everything and saved nothing yet: it asks, where the buttons were.
    expect(page.locator("#submit-confirm")).to_be_in_viewport()
    page.click("#confirm-submit")
    page.wait_for_selector("text=月报已报送市清洁取暖办")
    assert "已报送" in page.inner_text("#report-status")
    report_url = page.url
    logout(page, live_server)

    # The city office returns it with a reason.
    browser_login(page, live_server, "city")
    assert page.goto(report_url).status == 200
    page.fill("#id_reason", "农村煤改电户数与验收单不符，请核实。")
    page.click("#return-report")
    page.wait_for_selector("text=已退回")
    logout(page, live_server)

    # The clerk sees the reason, fixes the figure and resubmits.
    browser_login(page, live_server, "clerk-140802")
    assert page.goto(report_url).status == 200
    assert "农村煤改电户数与验收单不符" in page.inner_text("#return-reason")
    page.click("#report-actions a:has-text('修改')")
    page.fill("input[name=line__coal_to_electric__rural]", "250")
    expect(page.locator("[data-after-for=coal_to_electric] .after-value")).to_have_text("1450")
    page.click("#save-submit")
    # The server checked everything and saved nothing yet: it asks, where the buttons were.
    expect(page.locator("#submit-confirm")).to_be_in_viewport()
    page.click("#confirm-submit")
    page.wait_for_selector("text=月报已报送市清洁取暖办")
    logout(page, live_server)

    # The city office approves; the progress now counts 1,450 households for 盐湖区.
    browser_login(page, live_server, "city")
    assert page.goto(report_url).status == 200
    page.click("#approve-report")
    page.wait_for_selector("text=已审核通过")
    assert [row.split("\t")[2] for row in page.locator("#history tbody tr").all_inner_texts()] == [
        "创建",
        "报送",
        "退回",
        "修改",
        "报送",
        "审核通过",
    ]
    assert page.goto(f"{live_server.url}/dashboard/?period=2021-07").status == 200
    row = page.locator("tr[data-county='140802']")
    assert "1450" in row.inner_text().replace(",", "")
    screenshot(page, "report-approved-progress")
