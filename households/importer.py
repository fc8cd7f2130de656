"""Reading a roster file: file checks, then one parsed and validated row at a time.

Nothing here writes; ``services.household_import`` decides and writes. Memory stays bounded: the
upload is checked (size, then ``core.xlsx_guard``: zip structure, decompressed sizes,
the rows and columns every sheet refers to) before python-calamine builds its grid, and rows are
converted to Python one at a time. An .xls is checked record by record (``core.xls_guard``) before
xlrd reads it; a CSV is decoded strictly and streamed (``core.csv_guard``). The header is looked for
in the first rows (``roster_files``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import python_calamine
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core import csv_guard, xls_guard, xlsx_guard
from households import roster_files
from households.idnumber import id_number_problem, normalise_id
from households.models import Hardship, Household

MAX_ROWS = 200_000
# Uncompressed size allowed for the whole workbook: a 200,000-row roster is about 120 MB of XML at most
# (inline strings; Excel's shared strings make it smaller). This bounds what python-calamine holds.
MAX_UNCOMPRESSED_BYTES = int(getattr(settings, "ROSTER_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024))
MAX_COMPRESSION_RATIO = 200
# The template has 11 columns (12 with 县（市、区）) and the roster export 18, which re-imports in
# update mode; a few more are allowed for a 序号 column and the like.
MAX_COLUMNS = 24
# Cells python-calamine may hold at once: about 300 MB with the rows built from them (200,000 × 15).
MAX_CELLS = 3_000_000

COUNTY = "县（市、区）"
TOWNSHIP = "乡镇"
VILLAGE = "村"
HEAD = "户主姓名"
ID_NUMBER = "身份证号"
PHONE = "联系电话"
TYPE = "改造类型"
AREA_CLASS = "城乡"
AREA = "面积（㎡）"
COMPLETED = "完工日期"
HARDSHIP = "困难类别"
NOTE = "备注"
HEADERS = [TOWNSHIP, VILLAGE, HEAD, ID_NUMBER, PHONE, TYPE, AREA_CLASS, AREA, COMPLETED, HARDSHIP, NOTE]
REQUIRED = [TOWNSHIP, VILLAGE, HEAD, ID_NUMBER, TYPE, AREA_CLASS]
# Header spellings people type instead of the template's.
HEADER_ALIASES = {
    "面积(㎡)": AREA,
    "面积（m2）": AREA,
    "面积(m2)": AREA,
    "面积": AREA,
    "县(市、区)": COUNTY,
    "县区": COUNTY,
}

AREA_CLASS_VALUES = {
    "城镇": "urban",
    "urban": "urban",
    "中心城区及县城": "urban",
    "城区": "urban",
    "农村": "rural",
    "rural": "rural",
}
# The plan's term (中心城区及县城) everywhere; 城镇 and the codes are still read on import.
AREA_CLASS_EXPORT = {"urban": "中心城区及县城", "rural": "农村"}
# The labels are lazy translations: read them in Chinese, the template's language, whatever
# language is active when this module is first imported.
with translation.override("zh-hans"):
    HARDSHIP_VALUES = {str(h.label): h.value for h in Hardship} | {h.value: h.value for h in Hardship} | {"": "none"}
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# Excel's day numbers (1900 date system) read as dates when a date column was formatted General:
# 1990-01-01 to 2099-12-31 only, so that a year (2021) or a count is never taken for a date.
SERIAL_DATE_RE = re.compile(r"^\d{5}(?:\.0+)?$")
SERIAL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (32874, 73050)
# The roster export's masked IDs (idnumber.mask_id), and an ID that Excel turned into 1.40802E+17.
MASKED_ID_RE = re.compile(r"^\d{6}\*{4,12}[0-9X]{4}$")
SCIENTIFIC_RE = re.compile(r"^\d(?:\.\d+)?E\+\d+$")
EXAMPLE_MARK = "示例"
MAX_LENGTHS = {f.name: f.max_length for f in Household._meta.concrete_fields if getattr(f, "max_length", None)}


class ImportFileError(Exception):
    """The upload as a whole cannot be read (HTTP 400, or 413 when too large).

    Every such message ends by saying which files are accepted.
    """

    def __init__(self, code: str, message: str, *, http_status: int = 400):
        accepted = _("可导入的文件：.xlsx、.xls、.csv（UTF-8 或 GBK/GB18030 编码）。")
        message = message if accepted in message else f"{message}{accepted}"
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(slots=True)
class ParsedRow:
    row: int
    county_id: int | None
    township: str
    village: str
    head_name: str
    id_number: str
    phone: str
    retrofit_type_id: int
    area_class: str
    area_m2: Decimal | None
    completed_on: date | None
    hardship: str
    note: str
    id_index: str = ""  # the blind index of id_number, set by the import (households.pii)
    registered: bool = False  # whether the ID is on the plan's roster already, set by the import


def roster_limits() -> xlsx_guard.XlsxLimits:
    """The template's (and the export's) shape with room for a few added columns, at most MAX_ROWS data rows."""
    return xlsx_guard.XlsxLimits(
        max_rows=MAX_ROWS + 1,
        max_columns=MAX_COLUMNS,
        max_cells=MAX_CELLS,
        max_total_bytes=MAX_UNCOMPRESSED_BYTES,
        max_part_bytes=MAX_UNCOMPRESSED_BYTES,
        max_ratio=MAX_COMPRESSION_RATIO,
    )


def _check_size(size: int) -> None:
    limit = settings.FILE_UPLOAD_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            "file_too_large",
            _("文件过大（%(size).1f MB），上限为 %(limit)d MB。请拆分后分批导入。")
            % {"size": size / 1024 / 1024, "limit": limit // 1024 // 1024},
            http_status=413,
        )


def _xlsx_rows(fileobj, size: int):
    xlsx_guard.check_xlsx(fileobj, size=size, limits=roster_limits())
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(fileobj)
        sheet = workbook.get_sheet_by_index(0)
    except python_calamine.PasswordError:
        raise ImportFileError("encrypted", _("工作簿设有密码保护，请取消后重新上传。")) from None
    except Exception:  # calamine raises several error types for damaged files
        raise ImportFileError("corrupt", _("文件已损坏，无法打开。请重新保存后上传。")) from None
    if sheet.height > MAX_ROWS + 1:
        raise ImportFileError(
            "too_many_rows",
            _("文件共 %(n)d 行，超过上限 %(max)d 行。请拆分后分批导入。") % {"n": sheet.height - 1, "max": MAX_ROWS},
        )
    try:
        rows = sheet.iter_rows()
    except Exception:
        raise ImportFileError("corrupt", _("文件已损坏，无法读取。请重新保存后上传。")) from None
    return enumerate(rows, start=(sheet.start or (0, 0))[0] + 1)


def _guarded(numbered):
    """A reader's refusal found while rows are read (CSV is streamed) as the import's file error."""
    try:
        yield from numbered
    except xlsx_guard.WorkbookRefused as exc:
        raise ImportFileError(exc.code, exc.message) from None


def open_rows(fileobj, size: int) -> roster_files.Table:
    """Check the upload (.xlsx, .xls or CSV, told apart by content) and find its header."""
    _check_size(size)
    if size == 0:
        raise ImportFileError("empty_file", _("文件为空。"))
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    try:
        if head.startswith(b"PK\x03\x04"):
            numbered = _xlsx_rows(fileobj, size)
        elif xls_guard.is_ole(head):
            numbered = enumerate(xls_guard.xls_rows(fileobj.read(), limits=roster_limits()), start=1)
        else:
            # Django's upload wrapper is not a buffered stream; the file under it is.
            numbered = enumerate(csv_guard.csv_rows(getattr(fileobj, "file", fileobj), limits=roster_limits()), 1)
        table = roster_files.find_header(_guarded(numbered), header_positions)
    except xlsx_guard.WorkbookRefused as exc:
        raise ImportFileError(exc.code, exc.message) from None
    if table is None:
        raise ImportFileError("empty_file", _("工作表为空，请使用模板填写。"))
    return table


def header_positions(header) -> dict[str, int]:
    positions = {}
    for index, value in enumerate(header):
        name = str(value).strip().replace(" ", "")
        name = HEADER_ALIASES.get(name, name)
        if name in HEADERS or name == COUNTY:
            positions.setdefault(name, index)
    return positions


def _text(value) -> str:
    if value.__class__ is str:
        value = value.strip()
        # A leading ' (typed to keep Excel from changing the value, or left by a CSV export) is no data.
        return value[1:].lstrip() if value[:1] == "'" else value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) or SERIAL_DATE_RE.match(_text(value)):
        serial = int(float(_text(value) if isinstance(value, str) else value))
        if not SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            raise ValueError
        return SERIAL_EPOCH + timedelta(days=serial)
    match = DATE_RE.match(_text(value))
    if not match:
        raise ValueError
    return date(int(match[1]), int(match[2]), int(match[3]))


class RowParser:
    """Turns one spreadsheet row into a ``ParsedRow`` or a list of ``Problem``s."""

    def __init__(self, *, positions, types, counties, fixed_county_id, allowed_county_ids, today):
        self.positions = positions
        self.types = types  # name or code -> RetrofitType
        self.counties = counties  # name or code -> County
        self.fixed_county_id = fixed_county_id
        self.allowed_county_ids = allowed_county_ids  # None: any
        self.today = today
        self.shared: dict[str, str] = {}
        self.index_items = [(name, positions.get(name)) for name in (*HEADERS, COUNTY)]

    def cell(self, values, name):
        index = self.positions.get(name)
        if index is None or index >= len(values):
            return ""
        value = values[index]
        return "" if value is None else value

    def cells(self, values) -> dict:
        """Every known column's value in one pass; a missing column or an empty cell is ""."""
        n = len(values)
        cells = {}
        for name, index in self.index_items:
            value = values[index] if index is not None and index < n else ""
            cells[name] = "" if value is None else value
        return cells

    def parse(self, row: int, values) -> tuple[ParsedRow | None, list[Problem]]:
        problems: list[Problem] = []
        cells = self.cells(values)

        def problem(column, message):
            problems.append(Problem(row, column, message))

        texts = {}
        for name in (TOWNSHIP, VILLAGE, HEAD, PHONE, NOTE):
            texts[name] = _text(cells[name])
        # Townships, villages and notes repeat down a roster: keep one copy of each (memory).
        shared = self.shared
        for name in (TOWNSHIP, VILLAGE, NOTE):
            texts[name] = shared.setdefault(texts[name], texts[name])
        for name, field in ((TOWNSHIP, "township"), (VILLAGE, "village"), (HEAD, "head_name")):
            if not texts[name]:
                problem(name, _("必填项不能为空。"))
            elif len(texts[name]) > MAX_LENGTHS[field]:
                problem(name, _("不能超过%(n)d个字。") % {"n": MAX_LENGTHS[field]})
        if len(texts[NOTE]) > MAX_LENGTHS["note"]:
            problem(NOTE, _("不能超过%(n)d个字。") % {"n": MAX_LENGTHS["note"]})
        phone = texts[PHONE]
        if phone and not PHONE_RE.match(phone):
            problem(PHONE, _("联系电话“%(v)s”格式不正确。") % {"v": phone[:30]})

        county_id = self.fixed_county_id
        county_cell = _text(cells[COUNTY])
        if county_cell:
            county = self.counties.get(county_cell)
            if county is None:
                problem(COUNTY, _("未知的县（市、区）“%(v)s”。") % {"v": county_cell[:30]})
            elif self.fixed_county_id is not None and county.pk != self.fixed_county_id:
                problem(COUNTY, _("与所选县（市、区）不一致，只能导入本县（市、区）的改造户。"))
            elif self.allowed_county_ids is not None and county.pk not in self.allowed_county_ids:
                problem(COUNTY, _("只能导入本县（市、区）的改造户。"))
            else:
                county_id = county.pk
        elif county_id is None:
            problem(COUNTY, _("请填写县（市、区），或在导入时选择县（市、区）。"))

        raw_id = cells[ID_NUMBER]
        id_number = "" if isinstance(raw_id, (int, float)) else normalise_id(raw_id).lstrip("'")
        if raw_id == "":
            problem(ID_NUMBER, _("必填项不能为空。"))
        elif isinstance(raw_id, (int, float)) or SCIENTIFIC_RE.match(id_number):
            digits = _text(raw_id)
            if len(digits) == 15:
                problem(ID_NUMBER, _("不接受15位旧身份证号，请填写18位身份证号。"))
            else:
                problem(ID_NUMBER, numeric_id_message(digits))
            id_number = ""
        elif MASKED_ID_RE.match(id_number):
            raise ImportFileError("masked_export", masked_export_message())
        else:
            reason = id_number_problem(id_number, today=self.today)
            if reason:
                problem(ID_NUMBER, reason)
                id_number = ""

        type_cell = _text(cells[TYPE])
        retrofit_type = self.types.get(type_cell)
        if not type_cell:
            problem(TYPE, _("必填项不能为空。"))
        elif retrofit_type is None:
            problem(TYPE, _("未知的改造类型“%(v)s”。") % {"v": type_cell[:30]})

        class_cell = _text(cells[AREA_CLASS])
        area_class = AREA_CLASS_VALUES.get(class_cell.lower() if class_cell.isascii() else class_cell)
        if not class_cell:
            problem(AREA_CLASS, _("必填项不能为空。"))
        elif area_class is None:
            problem(AREA_CLASS, _("未知的城乡类别“%(v)s”，应为“中心城区及县城”或“农村”。") % {"v": class_cell[:30]})

        raw_area = cells[AREA]
        area = None
        if raw_area != "":
            try:
                area = (
                    Decimal(str(raw_area)).normalize() if not isinstance(raw_area, str) else Decimal(raw_area.strip())
                )
                if not area.is_finite() or area <= 0:
                    raise InvalidOperation
                if area.as_tuple().exponent < -2:
                    problem(AREA, _("面积最多保留两位小数。"))
                    area = None
                elif area >= Decimal("1e10"):
                    raise InvalidOperation
                else:
                    area = area.quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                problem(AREA, _("面积应为大于0的数字。"))
                area = None
        elif retrofit_type is not None and retrofit_type.is_area:
            problem(AREA, _("既有建筑节能改造须填写面积。"))

        raw_date = cells[COMPLETED]
        completed_on = None
        if raw_date != "":
            try:
                completed_on = _parse_date(raw_date)
                if completed_on > self.today:
                    problem(COMPLETED, _("完工日期不能晚于今天。"))
            except (ValueError, TypeError):
                problem(
                    COMPLETED, _("完工日期“%(v)s”无法识别，应为 2021-07-15 这样的日期。") % {"v": _text(raw_date)[:30]}
                )

        hardship_cell = _text(cells[HARDSHIP])
        hardship = HARDSHIP_VALUES.get(hardship_cell)
        if hardship is None:
            problem(
                HARDSHIP,
                _("未知的困难类别“%(v)s”，应为空或建档立卡贫困户、低保户、五保户。") % {"v": hardship_cell[:30]},
            )

        if problems:
            return None, problems
        return (
            ParsedRow(
                row=row,
                county_id=county_id,
                township=texts[TOWNSHIP],
                village=texts[VILLAGE],
                head_name=texts[HEAD],
                id_number=id_number,
                phone=phone,
                retrofit_type_id=retrofit_type.pk,
                area_class=area_class,
                area_m2=area,
                completed_on=completed_on,
                hardship=hardship,
                note=texts[NOTE],
            ),
            [],
        )


def numeric_id_message(shown: str) -> str:
    return _(
        "身份证号被存成了数字（%(v)s）：Excel 只保留15位有效数字，后几位已丢失，无法还原。"
        "请把身份证号列设为文本格式（选中该列，右键“设置单元格格式”，选“文本”），"
        "再重新输入或粘贴完整的身份证号（也可在号码前加英文单引号 '）。"
    ) % {"v": shown[:30]}


def masked_export_message() -> str:
    return _("这是导出的脱敏花名册，身份证号已隐去，不能用于导入。请下载导入模板，填写完整的身份证号后上传。")


def is_example(values) -> bool:
    """The template's example row (first cell “示例…”): not data."""
    return bool(values) and isinstance(values[0], str) and values[0].strip().startswith(EXAMPLE_MARK)


def is_blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
