"""Issue 20 end to end in a real browser: the city office computes the year-end assessment, adds 加减分
and publishes it; a county clerk objects; the city office answers and finalises; finance reads each
county's grade and fund coefficient."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def fresh_page(browser, refused):
    """A tab in a context of its own (its own session), noting what the CSP refused."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return context, page


def test_the_city_office_computes_publishes_answers_an_objection_and_finalises_and_finance_reads_the_coefficients(
    live_server, users, page, browser
):
    base = live_server.url
    refused = []

    # The city office computes a draft as of the year's end.
    browser_login(page, live_server, "city")
    page.click("nav a:has-text('年终考核')")
    page.wait_for_url(f"{base}/plans/2021/assessment/")
    page.fill("#id_as_of", "2021-12-31")
    page.click("#assessment-create-form button[type=submit]")
    page.wait_for_url(f"{base}/plans/2021/assessments/*/")
    expect(page.locator("body")).to_contain_text("已计算第 1 版考核（草稿）。")
    expect(page.locator("#assessment-status")).to_have_attribute("data-status", "draft")
    detail = page.url
    yuhu = page.locator("#league-table tr[data-county='140802']")
    total_before = float(yuhu.locator("td.total").inner_text())

    # 加减分 for 盐湖区.
    page.select_option("#id_county", "140802")
    page.fill("#id_points", "3")
    page.fill("#id_reason", "清洁取暖示范项目成效突出")
    page.fill("#id_basis", "运清洁取暖办〔2021〕12号")
    page.click("#adjustment-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("已为盐湖区记录加减分。")
    expect(yuhu.locator("td.adjustments")).to_have_text("3.00")
    assert float(yuhu.locator("td.total").inner_text()) == pytest.approx(total_before + 3)

    # Publication, behind its confirmation.
    page.click("#assessment-publish-form button")
    page.wait_for_url(f"{detail}?confirm=publish")
    page.click("#assessment-publish-confirm button[type=submit]")
    page.wait_for_url(detail)
    expect(page.locator("#assessment-status")).to_have_attribute("data-status", "published")
    expect(page.locator("body")).to_contain_text("已公示")

    # The clerk of 盐湖区 reads its own breakdown and objects.
    clerk_context, clerk = fresh_page(browser, refused)
    browser_login(clerk, live_server, "clerk-140802")
    assert clerk.goto(f"{base}/plans/2021/assessment/").status == 200
    clerk.click("#assessment-list a.county-link")
    clerk.wait_for_url(f"{detail}counties/140802/")
    expect(clerk.locator("#breakdown tr[data-code='timeliness']")).to_contain_text("按时报送")
    expect(clerk.locator("#county-adjustments")).to_have_text("3.00")
    assert clerk.goto(detail).status == 404  # no league table before the final result
    clerk.go_back()
    clerk.fill("#id_reason", "10月月报已按时报送，系统记为未报送")
    clerk.click("#objection-form button[type=submit]")
    clerk.wait_for_load_state("networkidle")
    expect(clerk.locator("body")).to_contain_text("已提交异议，请等待市清洁取暖办答复。")
    expect(clerk.locator("#objection-list li[data-status='open']")).to_have_count(1)
    clerk_context.close()

    # The city office sees the open objection, cannot finalise yet, and accepts it with 2 points.
    page.goto(detail)
    expect(page.locator("#open-objections")).to_have_text("1")
    page.click("#objection-list a:has-text('盐湖区')")
    page.wait_for_url(f"{detail}counties/140802/")
    form = page.locator("#objection-list form.answer-form")
    form.locator("input[value='accepted']").check()
    form.locator("textarea").fill("经核实，10月月报按时报送，予以采纳")
    form.locator("input[name$='-points']").fill("2")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("已答复盐湖区的异议。")
    expect(page.locator("#objection-list li[data-status='accepted']")).to_have_count(1)
    expect(page.locator("#county-adjustments")).to_have_text("5.00")

    # 定稿, behind its confirmation: frozen with its checksum.
    page.goto(detail)
    page.click("#assessment-finalize-form button")
    page.wait_for_url(f"{detail}?confirm=finalize")
    page.click("#assessment-finalize-confirm button[type=submit]")
    page.wait_for_url(detail)
    expect(page.locator("#assessment-status")).to_have_attribute("data-status", "final")
    expect(page.locator("#checksum-holds")).to_be_visible()
    assert len(page.inner_text("#assessment-sha256")) == 64

    # Finance opens the final result: each county's grade and fund coefficient.
    stored = Assessment.objects.get().figures["counties"]
    finance_context, finance = fresh_page(browser, refused)
    browser_login(finance, live_server, "finance")
    assert finance.goto(f"{base}/plans/2021/assessment/").status == 200
    finance.click("#assessment-list a.detail-link")
    finance.wait_for_url(detail)
    finance.wait_for_load_state("networkidle")
    expect(finance.locator("#league-table tbody tr")).to_have_count(len(stored))
    for row in stored:
        line = finance.locator(f"#league-table tr[data-county='{row['county']}']")
        expect(line.locator(".grade-cell")).to_have_text(row["grade_name"])
        expect(line.locator("td.coefficient")).to_have_text(row["fund_coefficient"])
        expect(line.locator("td.city-share-adjusted")).to_have_text(row["city_share_adjusted"])
    yuhu_row = next(r for r in stored if r["county"] == "140802")
    assert yuhu_row["adjustments"] == "5.00"
    finance_context.close()
    assert not refused, f"refused by the Content-Security-Policy: {refused}"
