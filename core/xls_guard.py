"""Bounded reading of an uploaded Excel 97–2003 workbook (.xls) with xlrd.

xlrd reads the whole file into memory and builds every cell of a sheet as Python objects; it has no
limits of its own. An .xls is not compressed, so its size bounds the bytes xlrd holds, but not the
cells: one MULRK record of a few KB stands for hundreds of cells, and a cell may name any row up to
65,535. ``check_xls`` therefore walks the workbook stream's records itself first (4-byte headers,
no parsing of the contents) and refuses the file unless every cell record stays inside the caller's
rows × columns and the cells and shared strings stay under their caps. Only then does xlrd read it,
with ``ragged_rows`` (no padding of short rows to the widest one) and ``on_demand`` (the first sheet
only). The walk is linear in the stream (about 2 s for 20 MB of cell records, the upload limit) and
gives up at a deadline; xlrd's own reading is linear in the file too (no decompression), so
neither can hold a worker for long.
"""

from __future__ import annotations

import struct
import time

import xlrd
from django.utils.translation import gettext as _

from core.xlsx_guard import WorkbookRefused, XlsxLimits, _max_cells, _too_many_cells, _too_many_columns, _too_many_rows

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# BIFF records that hold one cell with a value, with the row and column as the first two 16-bit fields.
# Blank cells (BLANK, MULBLANK: borders and formats) are not counted: xlrd skips them without
# ``formatting_info``, and a bordered roster often reaches a few columns past its data.
ONE_CELL = frozenset({0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x0406})
MULRK, SST, FILEPASS = 0x00BD, 0x00FC, 0x002F
SECONDS = 10.0
_HEADER = struct.Struct("<HH")


def _corrupt() -> WorkbookRefused:
    return WorkbookRefused("corrupt", _("文件已损坏，无法打开。请用 Excel 或 WPS 重新保存后上传。"))


def _encrypted() -> WorkbookRefused:
    return WorkbookRefused("encrypted", _("工作簿设有打开密码，请取消密码保护后重新上传。"))


def _workbook_stream(data: bytes) -> bytes:
    # An encrypted .xlsx is an OLE container too, with this stream instead of a workbook.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _encrypted()
    try:
        document = xlrd.compdoc.CompDoc(data, logfile=_devnull())
        for name in ("Workbook", "Book"):
            mem, base, length = document.locate_named_stream(name)
            if mem:
                return bytes(mem[base : base + length])
    except Exception:  # xlrd's compound-document reader also fails with assertions and index errors
        raise _corrupt() from None
    raise WorkbookRefused("not_spreadsheet", _("文件不是 Excel 工作簿（.xls 中找不到工作表）。"))


def check_xls(data: bytes, *, limits: XlsxLimits, seconds: float = SECONDS) -> None:
    """Refuse (``WorkbookRefused``) an .xls whose cells leave ``limits`` or that xlrd could not read safely."""
    stream = _workbook_stream(data)
    deadline = time.monotonic() + seconds
    max_cells = _max_cells(limits)
    max_strings = limits.max_strings or max_cells
    cells = records = 0
    pos, end = 0, len(stream)
    unpack = _HEADER.unpack_from
    while pos + 4 <= end:
        code, length = unpack(stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:
            raise _corrupt()
        records += 1
        if records & 0xFFFF == 0 and time.monotonic() > deadline:
            raise WorkbookRefused("too_slow", _("文件结构异常，读取超时，已拒绝。请用 Excel 重新保存后上传。"))
        if code in ONE_CELL:
            if length < 4:
                raise _corrupt()
            row, column = unpack(stream, body)
            count = 1
        elif code == MULRK:
            if length < 6:
                raise _corrupt()
            row, column = unpack(stream, body)
            count = (length - 6) // 6
            column += max(count - 1, 0)
        elif code == SST:
            if length < 8 or struct.unpack_from("<I", stream, body + 4)[0] > max_strings:
                raise _too_many_cells(limits)
            continue
        elif code == FILEPASS:
            raise _encrypted()
        else:
            continue
        # Zero-based in the file; the limits count rows and columns from one.
        if row + 1 > limits.max_rows:
            raise _too_many_rows(limits)
        if column + 1 > limits.max_columns:
            raise _too_many_columns(limits)
        cells += count
        if cells > max_cells:
            raise _too_many_cells(limits)


class _Quiet:
    """xlrd prints warnings about odd files to a log file (stdout by default): dropped."""

    def write(self, _text):
        pass


def _devnull() -> _Quiet:
    return _Quiet()


def xls_rows(data: bytes, *, limits: XlsxLimits):
    """Check, then read the first sheet: a list of rows, each a list of str, float, bool, datetime or None."""
    check_xls(data, limits=limits)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=_devnull())
        sheet = book.sheet_by_index(0)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _encrypted() from None
        raise _corrupt() from None
    except Exception:  # xlrd raises assorted errors (struct, index, assertion) on damaged files
        raise _corrupt() from None
    rows = []
    for index in range(sheet.nrows):
        values = []
        for kind, value in zip(sheet.row_types(index), sheet.row_values(index), strict=True):
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                value = None
            elif kind == xlrd.XL_CELL_DATE:
                value = _date(value, book.datemode)
            elif kind == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            values.append(value)
        rows.append(values)
    book.release_resources()
    return rows


def _date(value: float, datemode: int):
    try:
        return xlrd.xldate_as_datetime(value, datemode)
    except (xlrd.xldate.XLDateError, ValueError, OverflowError):
        return value


def is_ole(head: bytes) -> bool:
    return head.startswith(OLE_SIGNATURE[:4])
