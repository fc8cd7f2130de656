"""Exports print as offices print them: A4, one page wide, header rows tall enough, page numbers and
the export time in the footer, whole numbers as whole numbers, Chinese file names. LibreOffice (as the
offices' WPS or Excel would) converts them to PDF."""

import io
import math
import re
import shutil
import subprocess
import uuid
from urllib.parse import unquote

import openpyxl
import pytest

from subsidies.models import Settlement

pytestmark = pytest.mark.django_db
SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")


def _lines_needed(text, width):
    # Independent of the writer: a Chinese character is two width units, the column keeps one spare.
    units = sum(2 if "\u4e00" <= ch <= "\u9fff" or ch in "（）：、" else 1 for ch in text)
    return max(1, math.ceil(units / (width - 1)))


def exports(api, users, web=None):
    """Every workbook users download, by its file name."""
    from counties.models import Plan
    from subsidies.services import settlement_create

    city, finance = api(users["city"]), api(users["finance"])
    settlement = settlement_create(plan=Plan.objects.get(year=2021), period="2021-08", actor=users["finance"])
    downloads = [
        (city, "/api/v1/plans/2021/progress/export.xlsx?period=2021-08"),
        (finance, "/api/v1/plans/2021/subsidies/export.xlsx?period=2021-08"),
        (city, "/api/v1/plans/2021/inspections/export.xlsx"),
        (finance, "/api/v1/plans/2021/subsidies/payments/export.xlsx"),
        (finance, f"/api/v1/plans/2021/subsidies/settlements/{settlement.pk}/export.xlsx"),
    ]
    if web is not None:
        pages = web(users["city"])
        downloads += [
            (pages, "/dashboard/status/?format=xlsx"),
            (pages, "/plans/2021/reconciliation/?format=xlsx"),
            (pages, "/plans/2021/hardship/?format=xlsx"),
            (pages, "/plans/2021/households/template.xlsx"),
            (city, "/api/v1/plans/2021/households/export.xlsx"),
        ]
    found = {}
    for client, url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found[unquote(response["Content-Disposition"].split("''")[-1])] = body
    return found


def test_every_download_has_a_chinese_name(api, web, users, progress_data):
    names = list(exports(api, users, web))
    assert names == [
        "2021年清洁取暖进度表_2021-08.xlsx",
        "2021年补助资金汇总_截至2021-08.xlsx",
        "现场检查与整改-2021.xlsx",
        "2021年补助资金拨付台账.xlsx",
        f"2021年补助资金结算_截至2021-08_第{Settlement.objects.get().pk}号.xlsx",
        "2021年月报报送情况.xlsx",
        "2021年月报与花名册核对_截至2021-10.xlsx",
        "2021年困难群众兜底.xlsx",
        "改造户花名册导入模板-2021.xlsx",
        "改造户花名册-2021.xlsx",
    ]


def test_headers_are_tall_enough_for_their_wrapped_text_and_the_footer_numbers_pages(api, web, users, progress_data):
    for name, body in exports(api, users, web).items():
        book = openpyxl.load_workbook(io.BytesIO(body))
        for ws in book.worksheets:
            assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text, (name, ws.title)
            assert ws.oddFooter.left.text.startswith("导出时间："), (name, ws.title)
            # fitToWidth 1 is the file format's default, so a writer may leave it out
            fits = ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
            assert ws.page_setup.paperSize == 9 and fits, (name, ws.title)
            header_row = ws.freeze_panes and openpyxl.utils.cell.coordinate_to_tuple(ws.freeze_panes)[0] - 1
            assert header_row, (name, ws.title)
            for cell in ws[header_row]:
                if not cell.value:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                needed = 14 * _lines_needed(str(cell.value), width)
                assert ws.row_dimensions[header_row].height >= needed, (name, ws.title, cell.value)


def test_households_counted_from_square_metres_print_as_whole_numbers(api, users, progress_data):
    body = exports(api, users)["2021年清洁取暖进度表_2021-08.xlsx"]
    ws = openpyxl.load_workbook(io.BytesIO(body)).active
    header_row = openpyxl.utils.cell.coordinate_to_tuple(ws.freeze_panes)[0] - 1
    headers = {cell.value: cell.column for cell in ws[header_row] if cell.value}
    row = next(r for r in ws.iter_rows(min_row=header_row + 1) if r[1].value == "永济市")
    completed = row[headers["既有建筑节能改造完成"] - 1]
    # 25,000 m² at 100 m² per household: 250 households, shown as 250, not 250.00
    assert completed.value == 250 and completed.number_format == "#,##0"


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice (soffice) and pdftotext not installed")
def test_libreoffice_prints_each_export_on_a4_with_page_numbers(api, web, users, progress_data, tmp_path):
    files = []
    for index, body in enumerate(exports(api, users, web).values()):
        path = tmp_path / f"export{index}.xlsx"
        path.write_bytes(body)
        files.append(path)
    # A profile of its own: two test workers may run LibreOffice at once.
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-{uuid.uuid4().hex}"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for path in files:
        pdf = path.with_suffix(".pdf")
        assert pdf.exists(), path
        text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
        pages = text.count("\f")
        assert pages >= 1
        assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text) and "导出时间：" in text, path
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        # A4 is 595 × 842 points, either way round
        assert ("595" in size and "842" in size) or ("841" in size and "595" in size), size


def test_the_status_grid_exports_each_countys_month_as_the_page_shows_it(web, users, progress_data):
    response = web(users["city"]).get("/dashboard/status/", {"format": "xlsx"})
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"].split("''")[-1]) == "2021年月报报送情况.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header_row = openpyxl.utils.cell.coordinate_to_tuple(ws.freeze_panes)[0] - 1
    headers = [c.value for c in ws[header_row]]
    assert headers == ["县（市、区）", "2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=header_row + 1, values_only=True)}
    # 永济市: July approved, August submitted late on 09-03, September returned
    assert rows["永济市"][1].startswith("已审核")
    assert rows["永济市"][2] == "逾期报送，09-03报送"
    assert rows["永济市"][3].startswith("已退回")
    # 临猗县's July draft was never submitted: 未报送 after the deadline
    assert rows["临猗县"][1] == "未报送（草稿未报送）"
    # July: 盐湖区, 永济市, 垣曲县 submitted of 13 (23.1%)
    assert rows["已报送（个）"][1] == "3" and rows["报送率"][1] == "23.1%"


@pytest.mark.parametrize("role", ["clerk", "norole"])
def test_the_status_grid_export_is_for_the_dashboards_roles_only(web, users, role):
    assert web(users[role]).get("/dashboard/status/", {"format": "xlsx"}).status_code == 403
