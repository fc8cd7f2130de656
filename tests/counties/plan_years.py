"""Helpers for the plan-year tests: a 2022 draft copied from 2021, and targets workbooks built by hand."""

import io
from datetime import date

from openpyxl import Workbook

from counties.plan_life import plan_create
from tests.counties.test_plan_loading import ANNEX

HEADER = ["县（市、区）", "煤改电（户）", "煤改气（户）", "集中供热（户）", "既有建筑节能改造（㎡）", "总户数"]


def make_draft(users, plan, year=2022):
    return plan_create(
        user=users["city"],
        year=year,
        title=f"运城市{year}年冬季清洁取暖工作实施方案",
        document_number=f"运政办发〔{year}〕12号",
        document_date=date(year, 6, 1),
        deadline=date(year, 10, 31),
        copy_from=plan,
    )


def annex_rows():
    """The 2021 annex as workbook rows (county name, three household columns, m², total)."""
    return [[name, a, b, c, d * 100, total] for name, a, b, c, d, total in ANNEX.values()]


def workbook_bytes(rows, *, header=HEADER, total=True, title="运城市2022年冬季清洁取暖目标任务表"):
    """Row 1 the title, row 2 the header, counties from row 3, then the 合计 row (computed here)."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if total:
        sums = [sum(r[i] for r in rows if isinstance(r[i], int)) for i in range(1, len(header))]
        sheet.append(["合计", *sums])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
