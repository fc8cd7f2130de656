"""Bounded reading of an uploaded CSV: the encoding detected, never guessed, and the rows streamed.

Chinese Excel and WPS save CSV in GB18030/GBK ("CSV (逗号分隔)"), newer versions in UTF-8 with a BOM
("CSV UTF-8"), scripts in UTF-8 without one. A file is read as UTF-8 only if all of it decodes as
strict UTF-8, else as GB18030 only if all of it decodes as strict GB18030 (GBK and GB2312 are
subsets); anything else is refused by name rather than shown as mojibake. Chinese text in GBK is
almost never valid UTF-8 (UTF-8 needs a strict lead byte / continuation byte pattern that two-byte
GBK characters rarely follow for a whole file), so trying UTF-8 first misreads no real file. ASCII commas and line feeds never occur inside a
multi-byte character in either encoding, which lets the first pass bound fields per line on bytes.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools

from django.utils.translation import gettext as _

from core.xlsx_guard import WorkbookRefused, XlsxLimits, _too_many_columns, _too_many_rows

CHUNK = 1 << 20
# Excel's widest sheet; beyond it a line of commas would only make a huge list of empty fields.
MAX_FIELDS_PER_LINE = 16_384
ENCODINGS = ("utf-8-sig", "gb18030")
ENCODING_LABELS = {"utf-8-sig": "UTF-8", "gb18030": "GB18030"}


def _refused_encoding() -> WorkbookRefused:
    return WorkbookRefused(
        "unknown_encoding",
        _(
            "无法识别文件的编码：既不是 UTF-8，也不是 GBK/GB18030。"
            "请在 Excel 或 WPS 中“另存为”CSV（逗号分隔）或 CSV UTF-8 后重新上传。"
        ),
    )


def _chunks(fileobj):
    fileobj.seek(0)
    while block := fileobj.read(CHUNK):
        yield block


def _decodes(fileobj, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for block in _chunks(fileobj):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(fileobj) -> str:
    """``utf-8-sig`` or ``gb18030``; refuses binary files and text in any other encoding."""
    delimiter_runs = 0
    for block in _chunks(fileobj):
        if b"\x00" in block:
            raise _refused_encoding()  # UTF-16 text or a binary file
        for line in block.split(b"\n"):
            delimiter_runs = max(delimiter_runs, line.count(b","), line.count(b"\t"))
        if delimiter_runs > MAX_FIELDS_PER_LINE:
            raise WorkbookRefused("too_many_columns", _("CSV 文件的一行中分隔符过多，已拒绝。"))
    fileobj.seek(0)
    if fileobj.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # Many systems export an HTML or XML table named .xls; Excel opens it, no CSV reader does.
        raise WorkbookRefused(
            "markup_table",
            _(
                "这是网页（HTML）或 XML 格式的表格，虽然名为 .xls，但不是 Excel 工作簿。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
            ),
        )
    for encoding in ENCODINGS:
        if _decodes(fileobj, encoding):
            fileobj.seek(0)
            return encoding
    raise _refused_encoding()


def _dialect(first_line: str) -> str:
    # Excel's "文本文件（制表符分隔）" is also sent as .csv now and then.
    return "\t" if "\t" in first_line and "," not in first_line else ","


def csv_rows(fileobj, *, limits: XlsxLimits):
    """Yield rows (lists of str) of a CSV upload, refusing rows or columns beyond ``limits``."""
    encoding = detect_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="strict", newline="")
    try:
        first = text.readline()
        # chain, not a generator: closing one would close the wrapper after it is detached.
        reader = csv.reader(itertools.chain([first], text), delimiter=_dialect(first))
        count = 0
        for values in reader:
            count += 1
            if count > limits.max_rows:
                raise _too_many_rows(limits)
            # Excel writes empty trailing fields for every column once used: only content counts.
            while values and not values[-1].strip():
                values.pop()
            if len(values) > limits.max_columns:
                raise _too_many_columns(limits)
            yield values
    except csv.Error:
        raise WorkbookRefused(
            "corrupt", _("CSV 文件格式有误（如引号不成对或单元格过长），无法读取。请用 Excel 重新保存后上传。")
        ) from None
    finally:
        text.detach()
