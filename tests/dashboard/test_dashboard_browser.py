import io
import re

import openpyxl
import pytest

from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser

CHART_DATA = """(id) => {
  const chart = window.echarts && echarts.getInstanceByDom(document.getElementById(id));
  if (!chart) return null;
  return chart.getOption().series[0].data.length;
}"""


def test_the_city_office_reads_the_dashboard_changes_month_and_downloads_the_export(
    live_server, users, progress_data, page, tmp_path
):
    browser_login(page, live_server, "city")
    page.goto(f"{live_server.url}/dashboard/?period=2021-08")
    page.wait_for_selector("#progress-map[data-rendered='1']")
    assert page.locator("#progress-map canvas, #progress-map svg").count() >= 1
    assert page.locator("#progress-chart canvas, #progress-chart svg").count() >= 1
    assert page.evaluate(CHART_DATA, "progress-map") == 13
    assert page.evaluate(CHART_DATA, "progress-chart") == 13
    assert page.inner_text("#sum-target") == "89369"
    assert page.inner_text("#sum-completed") == str(1700 + 650 + 1200 + 400 + 4000)

    page.select_option("#id_period", "2021-07")
    page.wait_for_url(re.compile(r"period=2021-07"))
    assert page.inner_text("#sum-completed") == str(1700 + 650 + 1200)

    # sorting by a column header reorders the rows
    page.locator("#progress-table thead th", has_text="县（市、区）").click()
    page.locator("#progress-table thead tr").nth(1).locator("th").last.click()  # total rate, ascending
    page.locator("#progress-table thead tr").nth(1).locator("th").last.click()  # descending
    assert page.locator("#progress-table tbody tr").first.get_attribute("data-county") == "140827"

    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith("2021-07.xlsx")
    path = tmp_path / "progress.xlsx"
    download.save_as(path)
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    total = [c.value for c in ws[18]]
    assert total[1] == "合计" and total[14] == 89369 and total[15] == 1700 + 650 + 1200
    page.wait_for_timeout(300)
    screenshot(page, "dashboard-city")


def test_the_trends_page_draws_the_city_and_county_lines(live_server, users, progress_data, page):
    browser_login(page, live_server, "city")
    page.goto(f"{live_server.url}/dashboard/trends/?period=2021-09")
    page.wait_for_selector("#trend-chart canvas, #trend-chart svg")
    assert page.evaluate(CHART_DATA, "trend-chart") == 4  # June … September
    screenshot(page, "dashboard-trends")


def test_a_clerk_sees_its_county_page_with_its_chart(live_server, users, progress_data, page):
    browser_login(page, live_server, "clerk-140802")
    page.goto(f"{live_server.url}/counties/140802/?period=2021-09")
    page.wait_for_selector("#trend-chart canvas, #trend-chart svg")
    assert page.locator("#history-table tbody tr").count() == 5
    screenshot(page, "dashboard-county-clerk")


def test_the_annex_table_prints_whole_on_a4_landscape(live_server, users, progress_data, page, tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    browser_login(page, live_server, "city")
    page.goto(f"{live_server.url}/dashboard/?period=2021-08")
    page.wait_for_selector("#progress-table")
    sums = page.eval_on_selector_all("#progress-table tfoot td", "cells => cells.map(c => c.textContent.trim())")
    page.emulate_media(media="print")
    arrow = page.eval_on_selector("#progress-table th.sortable", "th => getComputedStyle(th, '::after').content")
    assert arrow in ("none", "normal")
    pdf = tmp_path / "dashboard.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    total_line = next(line for line in text.splitlines() if line.strip().startswith("合计"))
    # Every column of the 合计 row is on the page, down to 总户数's completion rate at the right.
    assert total_line.split() == ["合计", *sums]
    assert "总户数" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = float(size.split()[2]), float(size.split()[4])
    assert (round(width), round(height)) == (842, 595), size  # A4 landscape
