"""The shared .xlsx guard: hostile workbooks are refused from what their XML says, before any reader builds a grid."""

import io
import re
import time
import zlib

import pytest

from core.xlsx_guard import WorkbookRefused, XlsxLimits, check_xlsx, column_label
from tests import hostile_xlsx as h
from tests.households.helpers import row, workbook

LIMITS = XlsxLimits(max_rows=1001, max_columns=16, max_total_bytes=64 << 20, max_part_bytes=64 << 20)


def refusal_message(code, limits):
    """What the user is told for each kind of refusal (the messages of core/xlsx_guard.py), as a regex."""
    cells = limits.max_cells or limits.max_rows * limits.max_columns
    label = column_label(limits.max_columns)
    return {
        "too_many_columns": rf"^工作表超过 {limits.max_columns} 列（最多到 {label} 列），已拒绝。请只保留模板中的列后重新上传。$",
        "too_many_rows": rf"^工作表超过 {limits.max_rows} 行（含表头），已拒绝。请拆分后分批导入。$",
        "too_many_cells": rf"^工作簿中的单元格超过 {cells} 个，已拒绝。请拆分后分批导入。$",
        "unsupported_structure": "^"
        + re.escape("工作簿的内部结构无法安全读取，已拒绝。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。")
        + "$",
        "zip_bomb": r"^文件解压后异常巨大，疑似压缩炸弹，已拒绝。$",
        "corrupt": r"^文件已损坏，无法打开。请重新保存后上传。$",
        "macro_enabled": "^"
        + re.escape("不接受启用宏的工作簿（.xlsm 等）。请在 Excel 中另存为“Excel 工作簿（*.xlsx）”后上传。")
        + "$",
        "template": "^" + re.escape("这是 Excel 模板文件（.xltx），请另存为“Excel 工作簿（*.xlsx）”后上传。") + "$",
        "dtd": r"^工作簿含有 DTD 或实体声明，出于安全原因已拒绝。请用 Excel 重新保存后上传。$",
    }[code]


def refusal(content, code, limits=LIMITS):
    """Check ``content``, which must be refused as ``code`` with that refusal's message; return the refusal."""
    with pytest.raises(WorkbookRefused, match=refusal_message(code, limits)) as caught:
        check_xlsx(io.BytesIO(content), size=len(content), limits=limits)
    assert caught.value.code == code
    return caught.value


def accepted(content, limits=LIMITS):
    stream = io.BytesIO(content)
    check_xlsx(stream, size=len(content), limits=limits)
    return stream.tell() == 0


def test_a_workbook_written_by_openpyxl_and_one_written_by_hand_pass_and_the_stream_is_rewound():
    assert accepted(workbook([row(seq) for seq in range(1, 40)]))
    assert accepted(h.workbook(h.sheet('<row r="2">' + h.text_cell("P1001", "x") + "</row>", dimension="A1:P1001")))


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("XFD1048576", "too_many_columns"),
        ("AAA200001", "too_many_columns"),
        ("NTP10000", "too_many_columns"),
        ("Q2", "too_many_columns"),
        ("A1002", "too_many_rows"),
        ("a0001002", "too_many_rows"),
    ],
)
def test_one_cell_beyond_the_limits_is_refused_from_the_xml_alone(ref, code):
    content = h.workbook(h.sheet(f'<row r="2">{h.text_cell(ref, "x")}</row>'))
    assert len(content) < 3000
    refusal(content, code)


@pytest.mark.parametrize(
    ("dimension", "code"), [("A1:XFD1048576", "too_many_columns"), ("A1:P9999999", "too_many_rows")]
)
def test_a_dimension_beyond_the_limits_is_refused_although_the_cells_are_few(dimension, code):
    refusal(h.workbook(h.sheet(dimension=dimension)), code)


def test_a_row_numbered_beyond_the_limit_or_zero_is_refused():
    refusal(h.workbook(h.sheet('<row r="1048576"></row>')), "too_many_rows")
    refusal(h.workbook(h.sheet('<row r="2"><c r="B0"><v>1</v></c></row>')), "unsupported_structure")


def implicit_rows(rows):
    """A sheet whose rows carry no number (the header row's included), placed one after the other."""
    return h.workbook(h.sheet(rows).replace(b'<row r="1">', b"<row>"))


def test_cells_without_references_count_along_their_row():
    refusal(implicit_rows("<row>" + "<c><v>1</v></c>" * 17 + "</row>"), "too_many_columns")
    assert accepted(implicit_rows("<row>" + "<c><v>1</v></c>" * 16 + "</row>"))
    mixed = '<row r="2"><c r="P2"><v>1</v></c><c><v>2</v></c></row>'
    refusal(h.workbook(h.sheet(mixed)), "unsupported_structure")


def test_rows_without_references_are_counted():
    assert accepted(implicit_rows("<row><c><v>1</v></c></row>" * 1000))
    refusal(implicit_rows("<row><c><v>1</v></c></row>" * 1001), "too_many_rows")
    refusal(h.workbook(h.sheet("<row><c><v>1</v></c></row>")), "unsupported_structure")


def test_sixteen_million_identical_cells_are_refused_after_the_first_megabyte():
    content = h.bomb()
    assert len(content) < 1_000_000
    started = time.perf_counter()
    limits = XlsxLimits(max_rows=200_001, max_columns=24, max_total_bytes=256 << 20, max_part_bytes=256 << 20)
    refusal(content, "zip_bomb", limits)
    assert time.perf_counter() - started < 5


def test_a_bomb_under_the_compression_ratio_still_stops_at_the_cell_cap():
    limits = XlsxLimits(
        max_rows=200_001,
        max_columns=24,
        max_cells=100_000,
        max_total_bytes=256 << 20,
        max_part_bytes=256 << 20,
        max_ratio=100_000,
    )
    refusal(h.bomb(cells=1_000_000), "too_many_cells", limits)


def test_a_part_that_unpacks_beyond_its_declared_size_is_refused():
    honest = h.sheet()
    lying = h.zip_raw(
        [
            (name, zlib.compress(data, 9)[2:-4], zlib.crc32(data), len(data))
            for name, data in (
                ("[Content_Types].xml", h.content_types()),
                ("_rels/.rels", h.PACKAGE_RELS),
                ("xl/workbook.xml", h.WORKBOOK),
                ("xl/_rels/workbook.xml.rels", h.WORKBOOK_RELS),
            )
        ]
        + [("xl/worksheets/sheet1.xml", zlib.compress(honest, 9)[2:-4], zlib.crc32(honest[:100]), 100)]
    )
    refusal(lying, "corrupt")


def test_macro_enabled_and_template_workbooks_are_refused_with_a_clear_message():
    xlsm = h.workbook(h.sheet(), main=h.XLSM_MAIN, extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60})
    refused = refusal(xlsm, "macro_enabled")
    assert refused.code == "macro_enabled" and "宏" in refused.message and ".xlsx" in refused.message
    refusal(h.workbook(h.sheet(), main=h.XLSM_MAIN), "macro_enabled")
    refusal(h.workbook(h.sheet(), extra_parts={"xl/vbaProject.bin": b"x"}), "macro_enabled")
    refused = refusal(h.workbook(h.sheet(), main=h.XLTX_MAIN), "template")
    assert refused.code == "template" and "模板" in refused.message


def test_a_dtd_is_refused_and_never_expanded():
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    refusal(h.workbook(h.sheet(prolog=laughs)), "dtd")


def test_prefixed_cells_and_other_encodings_are_refused_as_unsupported():
    prefixed = h.sheet('<x:row r="2"><x:c r="XFD2"><x:v>1</x:v></x:c></x:row>')
    refusal(h.workbook(prefixed), "unsupported_structure")
    utf16 = h.sheet().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    refusal(h.workbook(utf16), "unsupported_structure")


def test_an_archive_with_trailing_bytes_or_a_comment_is_refused_as_corrupt():
    content = workbook([row(1)])
    refusal(content + b"extra", "corrupt")
    refusal(content[:-2] + b"\x05\x00hello", "corrupt")
