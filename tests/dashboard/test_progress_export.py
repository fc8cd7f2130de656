import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from counties.models import County
from tests.http import expect

URL = "/api/v1/plans/2021/progress/export.xlsx"
CSV_URL = "/api/v1/plans/2021/progress/export.csv"
Q = Decimal("0.0001")

# 序号, 县, then target / completed / rate for electric, gas, district, building, then 总户数
TYPE_COLUMNS = {"coal_to_electric": 3, "coal_to_gas": 6, "district_heating": 9, "building_retrofit": 12, "total": 15}


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def row_of(ws, name):
    return next(row for row in ws.iter_rows(min_row=5, values_only=True) if row[1] == name)


def test_the_xlsx_has_the_annex_layout_title_headers_and_frozen_header(api, users, progress_data):
    ws = workbook(api(users["city"]).get(URL, {"period": "2021-08"}))
    assert "运城市2021年冬季清洁取暖工作实施方案" in ws["A1"].value and "2021年8月" in ws["A1"].value
    assert "A1:Q1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].value == "序号" and ws["B3"].value == "县（市、区）"
    assert ws["C3"].value == "煤改电（户）" and "C3:E3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["O3"].value == "总户数"
    assert [c.value for c in ws[4]][2:5] == ["煤改电目标", "煤改电完成", "煤改电完成率"]
    assert ws.freeze_panes == "A5"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws["C5"].number_format == "#,##0" and ws["E5"].number_format == "0.00%"
    names = [row[1] for row in ws.iter_rows(min_row=5, max_row=17, values_only=True)]
    assert names[:3] == ["盐湖区", "永济市", "河津市"] and len(names) == 13
    assert [row[0] for row in ws.iter_rows(min_row=5, max_row=17, values_only=True)] == list(range(1, 14))


def test_the_xlsx_figures_and_the_total_row_are_values(api, users, progress_data):
    ws = workbook(api(users["city"]).get(URL, {"period": "2021-08"}))
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    yuhu = row_of(ws, "盐湖区")
    assert yuhu[2:5] == (10000, 1800, float((Decimal(1800) / 10000).quantize(Q)))
    assert yuhu[14:16] == (15731, 2100)
    yongji = row_of(ws, "永济市")
    assert yongji[11:13] == (1100, 250)  # 25,000 m² = 250 households
    total = [c.value for c in ws[18]]
    assert total[1] == "合计"
    electric = 1800 + 4000 + 1200
    assert total[2:5] == [50878, electric, float((Decimal(electric) / 50878).quantize(Q))]
    assert total[5] == 15847 and total[8] == 17530 and total[11] == 5114
    city = 1700 + 650 + 1200 + 400 + 4000
    assert total[14:17] == [89369, city, float((Decimal(city) / 89369).quantize(Q))]
    assert ws.max_row == 18


def test_the_csv_has_a_bom_chinese_headers_and_the_total_row(api, users, progress_data):
    response = api(users["finance"]).get(CSV_URL, {"period": "2021-08"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff序号,县（市、区）,煤改电目标,煤改电完成,煤改电完成率")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 13 + 1
    assert rows[-1][1] == "合计" and rows[-1][14] == "89369"
    assert rows[-1][15] == str(1700 + 650 + 1200 + 400 + 4000)
    assert rows[1][1:5] == ["盐湖区", "10000", "1800", "0.1800"]


def test_formula_like_text_is_written_as_text(api, users):
    County.objects.filter(code="140802").update(name="=HYPERLINK(1)")
    County.objects.filter(code="140881").update(name="@SUM(A1)")
    ws = workbook(api(users["city"]).get(URL))
    assert ws["B5"].value == "=HYPERLINK(1)" and ws["B5"].data_type == "s"
    assert ws["B6"].value == "@SUM(A1)" and ws["B6"].data_type == "s"
    text = b"".join(expect(api(users["city"]).get(CSV_URL)).streaming_content).decode("utf-8")
    assert "'=HYPERLINK(1)" in text and "'@SUM(A1)" in text


def test_a_department_exports_only_its_own_types(api, users, progress_data):
    ws = workbook(api(users["department"]).get(URL, {"period": "2021-08"}))
    assert [c.value for c in ws[4]] == [
        None,
        None,
        "煤改电目标",
        "煤改电完成",
        "煤改电完成率",
        "总户数目标",
        "总户数完成",
        "总户数完成率",
    ]
    total = [c.value for c in ws[18]]
    assert total[2:4] == [50878, 1800 + 4000 + 1200] and total[5] == 50878


def test_the_default_month_is_the_plans_last(api, users, progress_data):
    ws = workbook(api(users["city"]).get(URL))
    assert "2021年10月" in ws["A1"].value
    assert row_of(ws, "盐湖区")[3] == 1800  # September's submitted report is not approved


@pytest.mark.parametrize("bad", ["2021-13", "july", "2020-07"])
def test_a_bad_month_is_a_400_in_the_one_error_shape(api, users, bad):
    response = api(users["city"]).get(URL, {"period": bad})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "period" in response.json()["errors"]


def test_an_unknown_plan_year_is_404(api, users):
    assert api(users["city"]).get("/api/v1/plans/2030/progress/export.xlsx").status_code == 404
