"""Issue 19 end to end in a real browser: a new plan year is set up, published and filed in, and the
previous year stays as it was for whoever switches back to it."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import ReportStatus
from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


def logout(page, live_server):
    page.click("header button:has-text('退出')")
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def targets_workbook(template, path, *, county_name, column, value):
    """The downloaded template with one county's figure in one type column changed, figures only:
    the office leaves the optional sums (总户数 column, 合计 row) empty. Returns the cell's name, e.g. "C5"."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    header = next(row for row in sheet.iter_rows() if row[0].value == "县（市、区）")
    total_column = next(cell.column for cell in header if cell.value == "总户数")
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if row[0].value == "合计":
            for total in row[1:]:
                total.value = None
        elif row[0].value:
            sheet.cell(row=row[0].row, column=total_column).value = None
        if row[0].value == county_name:
            target = sheet.cell(row=row[0].row, column=column)
    target.value = value
    book.save(path)
    return target.coordinate


def upload_for_preview(page, path):
    page.set_input_files("#targets-upload-form input[type=file]", str(path))
    with page.expect_navigation():  # the page may still show the previous preview
        page.click("#targets-upload-form button:has-text('预览导入')")
    expect(page.locator("#targets-preview")).to_be_visible()


def test_the_city_office_opens_2022_from_2021_while_2021_stays_as_it_was_for_whoever_switches_back(
    live_server, users, make_report, page, tmp_path
):
    # 2021 has a report from 永济市 that the city office has not reviewed yet.
    waiting = make_report("140881", "2021-08", {("coal_to_electric", "urban"): 40}, status=ReportStatus.SUBMITTED)

    # The city office creates 2022 as a copy of 2021 (the form proposes both).
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}/plans/").status == 200
    expect(page.locator("tr[data-year='2021'] .plan-status")).to_have_text("已下达")
    expect(page.locator("tr[data-year='2022']")).to_have_count(0)
    assert page.goto(f"{live_server.url}/plans/new/").status == 200
    expect(page.locator("#id_year")).to_have_value("2022")
    expect(page.locator("#id_copy_from")).to_have_value("2021")
    page.fill("#id_title", "运城市2022年冬季清洁取暖工作实施方案")
    page.fill("#id_document_number", "运清洁取暖办〔2022〕3号")
    page.fill("#id_document_date", "2022-06-10")
    page.fill("#id_deadline", "2022-12-31")
    page.click("#plan-new-form button:has-text('新建草稿')")
    page.wait_for_url(f"{live_server.url}/plans/2022/manage/")
    expect(page.locator("body")).to_contain_text("已新建2022年度方案（草稿）。")
    expect(page.locator("#plan-status")).to_have_attribute("data-status", "draft")
    expect(page.locator("#plan-facts")).to_contain_text("2022-06 — 2022-12")
    copied = page.inner_text("#plan-targets tr[data-county='140802'] td[data-type='coal_to_electric']")
    assert int(copied) > 0  # 2021's targets came along

    # It downloads the template with the copied figures and types a negative number by mistake.
    with page.expect_download() as download_info:
        page.click("#targets-template-link")
    download = download_info.value
    assert download.suggested_filename == "目标任务表-2022.xlsx"
    template = tmp_path / "template.xlsx"
    download.save_as(template)
    yuhu_gas = "#plan-targets tr[data-county='140802'] td:nth-child(3)"  # column C: the second type
    before = page.inner_text(yuhu_gas)
    bad = tmp_path / "targets-bad.xlsx"
    where = targets_workbook(template, bad, county_name="盐湖区", column=3, value=-5)
    assert where.startswith("C")
    upload_for_preview(page, bad)
    expect(page.locator("#targets-errors li")).to_have_text([f"{where}：不能为负数（-5）。"])
    expect(page.locator("#targets-preview")).to_contain_text("发现 1 处错误，未写入任何数据")
    expect(page.locator("#targets-apply-form")).to_have_count(0)
    expect(page.locator(yuhu_gas)).to_have_text(before)  # nothing changed

    # It fixes the cell, previews the one change and confirms it.
    new_value = int(before) + 120
    good = tmp_path / "targets.xlsx"
    targets_workbook(template, good, county_name="盐湖区", column=3, value=new_value)
    upload_for_preview(page, good)
    expect(page.locator("#targets-errors")).to_have_count(0)
    change = page.locator("#targets-changes tbody tr")
    expect(change).to_have_count(1)
    expect(change.locator("td")).to_have_text(["盐湖区", "煤改气", before, str(new_value)])
    expect(page.locator(yuhu_gas)).to_have_text(before)  # a preview writes nothing
    page.click("#targets-apply-form button:has-text('确认导入')")
    expect(page.locator("body")).to_contain_text("已导入目标任务表：1 处变化。")
    expect(page.locator(yuhu_gas)).to_have_text(str(new_value))

    # It publishes, after a confirmation that says what the counties will see.
    page.click("#plan-publish-form button:has-text('下达方案')")
    expect(page.locator("#plan-publish-confirm")).to_contain_text("首页显示“2022年度目标任务已下达”")
    expect(page.locator("#plan-status")).to_have_attribute("data-status", "draft")
    page.click("#plan-publish-confirm button:has-text('确认下达')")
    expect(page.locator("body")).to_contain_text("2022年度方案已下达。")
    expect(page.locator("#plan-status")).to_have_attribute("data-status", "published")
    expect(page.locator("#plan-status")).to_have_text("已下达")
    page.click("a:has-text('返回年度方案')")
    expect(page.locator("tr[data-year='2022'] .plan-status")).to_have_text("已下达")
    expect(page.locator("tr[data-year='2022']")).to_contain_text("运清洁取暖办〔2022〕3号")
    logout(page, live_server)

    # The clerk of 盐湖区 sees the new year on the home page and files June 2022 in it.
    browser_login(page, live_server, "clerk-140802")
    expect(page.locator("main")).to_contain_text("2022年度目标任务已下达")
    assert page.goto(f"{live_server.url}/reports/new/?period=2022-06&plan=2022").status == 200
    page.fill("input[name=line__coal_to_electric__urban]", "30")
    page.fill("textarea[name=narrative]", "6月完成煤改电30户。")
    page.click("#save-submit")
    expect(page.locator("#submit-confirm")).to_be_in_viewport()
    page.click("#confirm-submit")
    page.wait_for_selector("text=月报已报送市清洁取暖办")
    assert "已报送" in page.inner_text("#report-status")
    expect(page.locator("main")).to_contain_text("2022-06")
    logout(page, live_server)

    # The city office reads 2022 by default, switches to 2021 in the header and finds 2021 as it was.
    browser_login(page, live_server, "city")
    page.click("nav.mainnav a:has-text('月报')")
    expect(page.locator("h1")).to_contain_text("月报 · 2022")
    filed = page.locator("#report-table tbody tr", has_text="2022-06")
    expect(filed).to_contain_text("盐湖区")
    expect(filed).to_contain_text("已报送")
    page.click("nav.mainnav a:has-text('通报')")
    expect(page.locator("#bulletin h1")).to_contain_text("2022-")
    expect(page.locator("#year-switch")).to_have_value("2022")
    # The switch submits from app.js: wait until the page (and its script) has loaded.
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.select_option("#year-switch", "2021")  # the static script submits the switch
    expect(page.locator("#year-switch")).to_have_value("2021")
    expect(page.locator("#bulletin h1")).to_contain_text("2021-")
    page.click("nav.mainnav a:has-text('月报')")
    expect(page.locator("h1")).to_contain_text("月报 · 2021")
    row = page.locator(f"#report-table tr[data-report='{waiting.pk}']")
    expect(row).to_contain_text("2021-08")
    expect(row).to_contain_text("永济市")
    expect(row).to_contain_text("已报送")
    expect(page.locator("#report-table")).not_to_contain_text("2022-06")
    screenshot(page, "plan-years-city-back-in-2021")
