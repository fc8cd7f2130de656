"""Bounded inspection of an uploaded .xlsx before any spreadsheet reader sees it.

python-calamine and openpyxl size their grids from what the file says: a ``<dimension ref>`` of
``A1:XFD1048576`` or a single cell at ``XFD1048576`` makes a reader try to allocate hundreds of GB,
and the row-count checks that run after reading come too late. ``check_xlsx`` therefore opens the
zip itself and reads every part through a capped decompressor (the real stream, not the sizes the
archive declares), and refuses the workbook unless every worksheet provably stays inside the
caller's rows × columns. Macro-enabled and template workbooks, DTDs and entity declarations are
refused outright; nothing is ever expanded.

Why bytes and not an XML parser: expat or iterparse calls back into Python for every element, about
25 s for a 100,000-row roster. The scan relies on what XML guarantees instead: ``<`` never appears
raw in text or attribute values, so every ``<c `` / ``<row `` is a real tag. Counting substrings and
one regex per 1 MB chunk (anchored on the literal ``<c r="``) runs at memory speed. Positions are
then exact: a cell or row that carries an ``r`` attribute is checked by value; one that does not
sits right after its predecessor (that is how the readers place it), so rows without ``r`` are
counted and a row whose cells lack ``r`` may hold at most ``max_columns`` cells. Anything the scan
cannot bound this way (a mix of both in one row or sheet, prefixed element names, other encodings)
is refused as unsupported: Excel, WPS, LibreOffice, openpyxl and xlsxwriter never write it.

Why no memory limit around the parse as well (issue 9 asked us to consider one): the scan already
bounds every figure the readers size their allocations by (extent, cells, shared strings, formats,
inflated bytes), so what calamine then builds is bounded by the caller's limits (about 300 MB for the
roster, see households.importer). A child process under ``setrlimit(RLIMIT_AS)`` would not be cheap or
safe here: RLIMIT_AS caps address space, not memory, and a forked gunicorn worker already maps several
hundred MB of it, so the cap would need tuning per machine; up to 200,000 parsed rows would have to be
pickled back through a pipe (or the file parsed twice), seconds on a large roster; and fork() from a
process with threads (the test live server, database drivers) can deadlock. The second line belongs
to the deployment instead: a memory cap on the service (systemd ``MemoryMax=``; the kernel then kills
one worker and gunicorn's arbiter starts another), see README "Deploying".
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

CHUNK = 1 << 20
# Longest run of bytes without a ``>`` we carry between chunks (a cell holds at most 32,767 characters).
MAX_CARRY = 4 << 20
NORMALISE = bytes.maketrans(b"\t\n\r/>", b"     ")
MACRO_TYPES = (
    b"application/vnd.ms-excel.sheet.macroEnabled",
    b"application/vnd.ms-excel.template.macroEnabled",
    b"application/vnd.ms-excel.addin.macroEnabled",
    b"application/vnd.ms-office.vbaProject",
    b"application/vnd.ms-excel.macrosheet",
    b"application/vnd.ms-excel.intlmacrosheet",
)
TEMPLATE_TYPES = (b"application/vnd.openxmlformats-officedocument.spreadsheetml.template",)
ROOT = re.compile(rb"<[A-Za-z_]")
PREFIXED_HINT = re.compile(rb":(?:c|row|dimension) ")
PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row|dimension) ")
DIMENSION = re.compile(rb'<dimension ref="([^"<]*)"')
CELL_REF = re.compile(r"([A-Za-z]{1,3})0*([1-9]\d{0,6})")


class WorkbookRefused(Exception):
    """The upload is not an .xlsx we can read within bounds; ``message`` is for the user (HTTP 400)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class XlsxLimits:
    max_rows: int  # the largest row number any sheet may use (header included)
    max_columns: int
    max_total_bytes: int  # decompressed, all parts
    max_part_bytes: int  # decompressed, one part
    max_cells: int | None = None  # <c> elements in all sheets; default rows × columns
    max_strings: int | None = None  # shared strings (<si>); default max_cells
    max_styles: int = 65_536  # cell formats (<xf>), Excel's own limit is 64,000
    max_entries: int = 512
    max_ratio: int = 200  # decompressed ÷ compressed, for parts over 1 MB


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def column_label(number: int) -> str:
    label = ""
    while number:
        number, rest = divmod(number - 1, 26)
        label = chr(65 + rest) + label
    return label


def _numbers_up_to(limit: int) -> str:
    """Regex for the decimal numbers 1..limit, without leading zeros."""
    digits = str(limit)
    parts = [f"[1-9]\\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, char in enumerate(digits):
        low = "1" if i == 0 else "0"
        if char > low:
            parts.append(f"{digits[:i]}[{low}-{chr(ord(char) - 1)}]\\d{{{len(digits) - i - 1}}}")
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


def _labels_up_to(limit: int) -> str:
    """Regex for the column labels A..label(limit) (match it case-insensitively)."""
    label = column_label(limit)
    parts = [f"[A-Z]{{1,{len(label) - 1}}}"] if len(label) > 1 else []
    for i, char in enumerate(label):
        if char > "A":
            parts.append(f"{label[:i]}[A-{chr(ord(char) - 1)}][A-Z]{{{len(label) - i - 1}}}")
    parts.append(label)
    return "(?:" + "|".join(parts) + ")"


@dataclass
class _Bounds:
    bad_cell: re.Pattern
    bad_row: re.Pattern

    @classmethod
    def of(cls, limits: XlsxLimits) -> _Bounds:
        rows = "0*" + _numbers_up_to(limits.max_rows)
        columns = _labels_up_to(limits.max_columns)
        return cls(
            # The literal prefix keeps the search at memory speed; only the column letters ignore case.
            bad_cell=re.compile(f'<c r="(?!(?i:{columns}){rows}")'.encode()),
            bad_row=re.compile(f'<row r="(?!{rows}")'.encode()),
        )


@dataclass
class _Tally:
    """What the scan has seen so far, across parts (cells, strings, styles) and within the open row."""

    cells: int = 0
    strings: int = 0
    styles: int = 0
    rows: int = 0  # rows and open row: of the part being read
    rows_with_r: int = 0
    open_row_explicit: int = 0
    open_row_implicit: int = 0


def check_xlsx(fileobj, *, size: int, limits: XlsxLimits) -> None:
    """Refuse (``WorkbookRefused``) anything but a plain .xlsx whose sheets stay within ``limits``.

    Reads at most ``limits.max_total_bytes`` decompressed bytes, 1 MB at a time, and leaves
    ``fileobj`` at position 0.
    """
    try:
        _check(fileobj, size, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error, RuntimeError, ValueError):
        raise WorkbookRefused("corrupt", _("文件已损坏，无法打开。请重新保存后上传。")) from None
    finally:
        fileobj.seek(0)


def _check(fileobj, size: int, limits: XlsxLimits) -> None:
    if size == 0:
        raise WorkbookRefused("empty_file", _("文件为空。"))
    fileobj.seek(0)
    head = fileobj.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        fileobj.seek(0)
        if "EncryptedPackage".encode("utf-16-le") in fileobj.read():
            raise WorkbookRefused("encrypted", _("工作簿设有打开密码，请取消密码保护后重新上传。"))
        raise WorkbookRefused("not_xlsx", _("这是旧版 Excel（.xls）文件，请另存为 .xlsx 格式后上传。"))
    if not head.startswith(b"PK\x03\x04"):
        raise WorkbookRefused("not_xlsx", _("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写。"))
    _check_directory_end(fileobj, size, limits)
    fileobj.seek(0)
    with zipfile.ZipFile(fileobj) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise WorkbookRefused("corrupt", _("文件已损坏，无法打开。请重新保存后上传。"))
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise WorkbookRefused("not_xlsx", _("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写。"))
        lowered = [name.lower() for name in names]
        if any(name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/") for name in lowered):
            raise _macro_enabled()
        bounds, tally, total = _Bounds.of(limits), _Tally(), 0
        # The content types first: a macro or template workbook is refused before anything else is read.
        for info in sorted(infos, key=lambda i: i.filename != "[Content_Types].xml"):
            total = _read_part(fileobj, info, limits, bounds, tally, total)


def _macro_enabled() -> WorkbookRefused:
    return WorkbookRefused(
        "macro_enabled", _("不接受启用宏的工作簿（.xlsm 等）。请在 Excel 中另存为“Excel 工作簿（*.xlsx）”后上传。")
    )


def _check_directory_end(fileobj, size: int, limits: XlsxLimits) -> None:
    """The archive ends with a plain end-of-central-directory record: no comment, no ZIP64, few entries.

    Readers that search for that record differently then still agree on one directory, and a
    directory of a million entries is refused before it is loaded.
    """
    if size < 22:
        raise zipfile.BadZipFile
    fileobj.seek(size - 22)
    record = fileobj.read(22)
    signature, disk, start_disk, on_disk, entries, dir_size, dir_offset, comment = struct.unpack("<IHHHHIIH", record)
    if signature != 0x06054B50 or comment or disk or start_disk or on_disk != entries:
        raise zipfile.BadZipFile
    if dir_offset + dir_size != size - 22:
        raise zipfile.BadZipFile
    if entries > limits.max_entries:
        raise WorkbookRefused("corrupt", _("文件已损坏，无法打开。请重新保存后上传。"))


def _read_part(fileobj, info, limits: XlsxLimits, bounds: _Bounds, tally: _Tally, total: int) -> int:
    """Stream one part through the decompressor with its caps; scan it when it is XML. Returns the new total."""
    is_xml = info.filename.lower().endswith((".xml", ".rels"))
    scan = _XmlScan(info.filename, limits, bounds, tally) if is_xml else None
    read, crc = 0, 0
    for block, consumed in _inflate(fileobj, info):
        read += len(block)
        total += len(block)
        if read > limits.max_part_bytes or total > limits.max_total_bytes:
            raise WorkbookRefused(
                "zip_bomb",
                _("文件解压后超过 %(n)d MB，已拒绝。请拆分后分批导入。")
                % {"n": min(limits.max_part_bytes, limits.max_total_bytes) // 1024 // 1024},
            )
        # Measured on what has been inflated so far, so a bomb is refused after its first megabyte.
        if read > 1024 * 1024 and read > limits.max_ratio * max(consumed, 1):
            raise WorkbookRefused("zip_bomb", _("文件解压后异常巨大，疑似压缩炸弹，已拒绝。"))
        crc = zlib.crc32(block, crc)
        if scan is not None:
            scan.feed(block)
    if read != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile
    if scan is not None:
        scan.close()
    return total


def _inflate(fileobj, info):
    """Yield (decompressed block, compressed bytes consumed) of one entry: the real stream, whatever the
    directory declares about its size."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        raise _unsupported()  # other compression methods, or an encrypted entry
    fileobj.seek(info.header_offset)
    header = fileobj.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fileobj.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while remaining:
            block = fileobj.read(min(CHUNK, remaining))
            if not block:
                raise zipfile.BadZipFile
            remaining -= len(block)
            yield block, info.compress_size - remaining
        return
    inflater = zlib.decompressobj(-15)
    pending, consumed = b"", 0
    while not inflater.eof:
        if not pending:
            if not remaining:
                raise zipfile.BadZipFile  # the stream stops before its end
            pending = fileobj.read(min(1 << 16, remaining))
            if not pending:
                raise zipfile.BadZipFile
            remaining -= len(pending)
            consumed += len(pending)
        block = inflater.decompress(pending, CHUNK)
        pending = inflater.unconsumed_tail
        if block:
            yield block, consumed - len(pending)


class _XmlScan:
    """Scans one XML part chunk by chunk; every chunk handed to ``_scan`` ends just after a ``>``."""

    def __init__(self, name: str, limits: XlsxLimits, bounds: _Bounds, tally: _Tally):
        self.name = name
        self.limits = limits
        self.bounds = bounds
        self.tally = tally
        self.carry = b""
        self.first = True
        self.prolog = True

    def feed(self, block: bytes) -> None:
        data = self.carry + block if self.carry else block
        cut = data.rfind(b">") + 1
        if cut == 0:
            if len(data) > MAX_CARRY:
                raise zipfile.BadZipFile
            self.carry = data
            return
        self.carry = data[cut:]
        self._scan(data[:cut])

    def close(self) -> None:
        if self.carry:
            self._scan(self.carry)
            self.carry = b""
        tally = self.tally
        tally.open_row_explicit = tally.open_row_implicit = tally.rows = tally.rows_with_r = 0

    def _scan(self, raw: bytes) -> None:
        limits, tally = self.limits, self.tally
        if self.first:
            self.first = False
            self._check_encoding(raw)
        if self.name == "[Content_Types].xml":
            if any(kind in raw for kind in MACRO_TYPES):
                raise _macro_enabled()
            if any(kind in raw for kind in TEMPLATE_TYPES):
                raise WorkbookRefused(
                    "template", _("这是 Excel 模板文件（.xltx），请另存为“Excel 工作簿（*.xlsx）”后上传。")
                )
        # One form per tag: "<c>", "<c/>", "<c\n" all read "<c " (one substring count each, not three).
        data = raw.translate(NORMALISE)
        if self.prolog:
            # A DTD may only stand before the root element (after it, every reader fails on it).
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise WorkbookRefused(
                    "dtd", _("工作簿含有 DTD 或实体声明，出于安全原因已拒绝。请用 Excel 重新保存后上传。")
                )
            self.prolog = ROOT.search(data) is None
        if PREFIXED_HINT.search(data) and PREFIXED.search(data):
            raise _unsupported()
        tally.strings += data.count(b"<si ")
        if tally.strings > (limits.max_strings or _max_cells(limits)):
            raise _too_many_cells(limits)
        tally.styles += data.count(b"<xf ")
        if tally.styles > limits.max_styles:
            raise WorkbookRefused("too_many_styles", _("工作簿中的单元格格式过多，请清除格式后重新保存再上传。"))
        if b"<dimension " in data:
            self._check_dimension(data)
        self._check_rows(data)
        self._check_cells(data)

    def _check_encoding(self, data: bytes) -> None:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
            raise _unsupported()  # UTF-16 or UTF-32: the byte scan could not see its tags
        declaration = re.match(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=[\"']([^\"']*)[\"']", data)
        if declaration and declaration[1].lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            raise _unsupported()

    def _check_dimension(self, data: bytes) -> None:
        found = DIMENSION.findall(data)
        if len(found) != data.count(b"<dimension "):
            raise _unsupported()
        for value in found:
            ends = value.decode("ascii", "replace").split(":")
            if len(ends) > 2:
                raise _unsupported()
            for end in ends:
                match = CELL_REF.fullmatch(end)
                if match is None:
                    raise _unsupported()
                self._within(column_number(match[1]), int(match[2]))

    def _check_rows(self, data: bytes) -> None:
        tally, limits = self.tally, self.limits
        rows = data.count(b"<row ")
        if not rows:
            return
        with_r = data.count(b'<row r="')
        tally.rows += rows
        tally.rows_with_r += with_r
        if tally.rows_with_r and tally.rows_with_r != tally.rows:
            raise _unsupported()  # some rows placed by number, others by order
        if tally.rows > limits.max_rows:
            raise _too_many_rows(limits)
        if with_r and (match := self.bounds.bad_row.search(data)):
            if re.match(rb'<row r="0*[1-9]\d*"', data[match.start() : match.start() + 40]):
                raise _too_many_rows(limits)
            raise _unsupported()

    def _check_cells(self, data: bytes) -> None:
        tally, limits = self.tally, self.limits
        cells = data.count(b"<c ")
        with_r = data.count(b'<c r="') if cells else 0
        tally.cells += cells
        if tally.cells > _max_cells(limits):
            raise _too_many_cells(limits)
        if with_r and (match := self.bounds.bad_cell.search(data)):
            ref = re.match(rb'<c r="([A-Za-z]*)0*([1-9]\d*)"', data[match.start() : match.start() + 40])
            if ref is not None and (len(ref[1]) > 3 or column_number(ref[1].decode()) > limits.max_columns):
                raise _too_many_columns(limits)
            if ref is not None and ref[1]:
                raise _too_many_rows(limits)
            raise _unsupported()  # no column, a row number 0, characters that are not a reference
        if cells == with_r:
            # Every cell here is placed by its reference; only the open row's tally moves on.
            start = data.rfind(b"<row ")
            if start == -1:
                tally.open_row_explicit += with_r
            else:
                tally.open_row_explicit, tally.open_row_implicit = data.count(b'<c r="', start), 0
            return
        # Some cells carry no reference: each sits right after the previous one in its row.
        for index, segment in enumerate(data.split(b"<row ")):
            if index:
                tally.open_row_explicit = tally.open_row_implicit = 0
            placed = segment.count(b'<c r="')
            tally.open_row_explicit += placed
            tally.open_row_implicit += segment.count(b"<c ") - placed
            if tally.open_row_implicit and tally.open_row_explicit:
                raise _unsupported()
            if tally.open_row_implicit > limits.max_columns:
                raise _too_many_columns(limits)

    def _within(self, column: int, row: int) -> None:
        if column > self.limits.max_columns:
            raise _too_many_columns(self.limits)
        if row > self.limits.max_rows:
            raise _too_many_rows(self.limits)


def _max_cells(limits: XlsxLimits) -> int:
    return limits.max_cells or limits.max_rows * limits.max_columns


def _unsupported() -> WorkbookRefused:
    return WorkbookRefused(
        "unsupported_structure",
        _("工作簿的内部结构无法安全读取，已拒绝。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"),
    )


def _too_many_columns(limits: XlsxLimits) -> WorkbookRefused:
    return WorkbookRefused(
        "too_many_columns",
        _("工作表超过 %(n)d 列（最多到 %(label)s 列），已拒绝。请只保留模板中的列后重新上传。")
        % {"n": limits.max_columns, "label": column_label(limits.max_columns)},
    )


def _too_many_rows(limits: XlsxLimits) -> WorkbookRefused:
    return WorkbookRefused(
        "too_many_rows",
        _("工作表超过 %(n)d 行（含表头），已拒绝。请拆分后分批导入。") % {"n": limits.max_rows},
    )


def _too_many_cells(limits: XlsxLimits) -> WorkbookRefused:
    return WorkbookRefused(
        "too_many_cells",
        _("工作簿中的单元格超过 %(n)d 个，已拒绝。请拆分后分批导入。") % {"n": _max_cells(limits)},
    )
