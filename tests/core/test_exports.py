import io
from datetime import date
from decimal import Decimal

import openpyxl

from core.exports import Column, Sheet, csv_rows, write_xlsx

COLUMNS = [
    Column("县（市、区）"),
    Column("户数", "int"),
    Column("金额", "money"),
    Column("完成率", "rate"),
    Column("日期", "date"),
]


def build(rows, total=None, **kwargs):
    buffer = io.BytesIO()
    write_xlsx([Sheet(name="汇总", columns=COLUMNS, rows=rows, total_row=total, **kwargs)], buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def test_text_that_looks_like_a_formula_is_written_as_text_in_xlsx():
    wb = build([["=1+1", 1, Decimal("2.50"), Decimal("0.5"), date(2021, 7, 1)], ["@SUM(A1)", 2, 0, 0, None]])
    ws = wb.active
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["A3"].value == "@SUM(A1)" and ws["A3"].data_type == "s"


def test_numbers_and_the_total_row_are_values_not_formulas():
    wb = build(
        [["盐湖区", 3, Decimal("385000.00"), Decimal("0.25"), None]],
        total=["合计", 3, Decimal("385000.00"), None, None],
    )
    ws = wb.active
    assert ws["B2"].value == 3 and ws["C2"].value == 385000
    assert [c.value for c in ws[3]][:3] == ["合计", 3, 385000]
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def test_a_title_is_merged_over_every_column_and_the_header_is_frozen():
    wb = build([["盐湖区", 1, 1, 0, None]], title="运城市2021年冬季清洁取暖进度表")
    ws = wb.active
    assert ws["A1"].value == "运城市2021年冬季清洁取暖进度表"
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "A3"
    # fitToWidth defaults to 1 in OOXML; fit-to-page with fitToHeight 0 means "one page wide"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToHeight == 0


def test_csv_starts_with_a_bom_and_neutralises_formulas():
    text = "".join(csv_rows(COLUMNS, [["+cmd", 1, Decimal("1.10"), Decimal("0.1"), None], ["-2", 2, 0, 0, None]]))
    assert text.startswith("\ufeff县（市、区）,户数")
    assert "'+cmd,1,1.10" in text and "'-2,2" in text


def test_the_fast_writer_keeps_equal_values_of_different_types_apart_when_it_reuses_cells():
    # 1 == 1.0 == True == Decimal(1): the writer's cache of repeated cells must still tell them apart.
    from core.exports import write_xlsx_fast

    rows = [[1], [1.0], [True], [Decimal("1")], ["1"], [1], ["1"]]
    out = io.BytesIO()
    write_xlsx_fast(Sheet(name="t", columns=[Column("v", "text")], rows=rows), out)
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    values = [c.value for (c,) in ws.iter_rows(min_row=2)]
    assert [type(v) for v in values] == [int, float, bool, int, str, int, str]
    assert values[2] is True and values[4] == "1" and values[6] == "1"
