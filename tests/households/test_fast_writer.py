"""The shared writer's fast path (used for the roster export), read back by two different readers."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from core.exports import Column, Sheet, write_xlsx_fast

COLUMNS = [
    Column("名称"),
    Column("户数", "int"),
    Column("金额", "money"),
    Column("日期", "date"),
    Column("号码", "forced_text"),
]


def build():
    buffer = io.BytesIO()
    rows = [
        ["=1+1", 3, Decimal("385000.50"), date(2021, 7, 1), "14080219800101123X"],
        ["a & <b>\x01", None, None, None, ""],
        [" 空格 ", 0, Decimal("0"), datetime(2021, 7, 1, 8, 30), "+86"],
    ]
    write_xlsx_fast(
        Sheet(name="花名册", columns=COLUMNS, rows=iter(rows), total_row=["合计", 3, None, None, None]), buffer
    )
    return buffer.getvalue()


def test_openpyxl_reads_values_formats_and_the_frozen_header():
    ws = openpyxl.load_workbook(io.BytesIO(build())).active
    assert ws.title == "花名册" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["名称", "户数", "金额", "日期", "号码"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 3 and ws["C2"].value == 385000.5 and ws["C2"].number_format == "#,##0.00"
    assert ws["D2"].value == datetime(2021, 7, 1) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["A3"].value == "a & <b>" and ws["B3"].value is None
    assert ws["A4"].value == " 空格 " and ws["E4"].value == "+86"
    assert [c.value for c in ws[5]][:2] == ["合计", 3]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"


def test_calamine_reads_it_back_for_re_import():
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(build())).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "=1+1" and rows[1][3] == date(2021, 7, 1) and rows[1][4] == "14080219800101123X"


def test_a_sheet_with_a_title_must_use_the_full_writer():
    with pytest.raises(ValueError, match="plain sheets only"):
        write_xlsx_fast(Sheet(name="x", columns=COLUMNS, rows=[], title="标题"), io.BytesIO())
