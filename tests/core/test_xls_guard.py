"""core.xls_guard walks an .xls workbook stream's records and refuses what would make xlrd build too much."""

import struct

import pytest

from core import xls_guard
from core.xlsx_guard import XlsxLimits

LIMITS = XlsxLimits(max_rows=101, max_columns=12, max_cells=500, max_total_bytes=1 << 20, max_part_bytes=1 << 20)


def record(code: int, body: bytes) -> bytes:
    return struct.pack("<HH", code, len(body)) + body


def number(row: int, col: int) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, col, 0, 1.0))


def mulrk(row: int, first: int, count: int) -> bytes:
    cells = b"".join(struct.pack("<HI", 0, 2) for _ in range(count))
    return record(0x00BD, struct.pack("<HH", row, first) + cells + struct.pack("<H", first + count - 1))


@pytest.fixture
def stream(monkeypatch):
    """check_xls on a workbook stream given here, without the compound-document container around it."""

    def check(data: bytes, **kwargs):
        monkeypatch.setattr(xls_guard, "_workbook_stream", lambda _file: data)
        xls_guard.check_xls(b"", limits=LIMITS, **kwargs)

    return check


def test_cells_inside_the_limits_pass(stream):
    stream(b"".join(number(r, c) for r in range(100) for c in range(4)))


def test_a_cell_on_a_row_beyond_the_limit_is_refused(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="超过 101 行"):
        stream(number(0, 0) + number(101, 0))


def test_one_mulrk_record_standing_for_many_columns_is_refused(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="超过 12 列"):
        stream(mulrk(0, 0, 13))


def test_more_cells_than_the_cap_are_refused_however_they_are_written(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="单元格超过 500 个"):
        stream(b"".join(mulrk(r, 0, 12) for r in range(50)))


def test_blank_formatted_cells_past_the_columns_are_not_data(stream):
    mulblank = record(0x00BE, struct.pack("<HH", 0, 0) + b"\x00\x00" * 40 + struct.pack("<H", 39))
    stream(mulblank + record(0x0201, struct.pack("<HHH", 5, 30, 0)))


def test_a_shared_string_table_declaring_too_many_strings_is_refused(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="单元格超过"):
        stream(record(0x00FC, struct.pack("<II", 10**9, 10**9)))


def test_an_encrypted_workbook_is_refused_as_such(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="打开密码"):
        stream(record(0x002F, b"\x00\x00"))


def test_a_record_running_past_the_stream_is_damage(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="已损坏"):
        stream(struct.pack("<HH", 0x0203, 500) + b"\x00" * 10)


def test_the_walk_stops_at_its_deadline(stream):
    with pytest.raises(xls_guard.WorkbookRefused, match="读取超时"):
        stream(record(0x1000, b"") * 70_000, seconds=-1)


def test_a_file_that_is_not_a_compound_document_is_damage():
    with pytest.raises(xls_guard.WorkbookRefused, match="已损坏"):
        xls_guard.check_xls(xls_guard.OLE_SIGNATURE + b"\xff" * 1000, limits=LIMITS)
