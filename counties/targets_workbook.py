"""The annex target table as a workbook: the template the city office downloads, and reading it back.

Layout (what ``targets_template_sheet`` writes and ``read_targets_workbook`` expects): a header row whose
first cell is 县（市、区）, then one column per retrofit type (households; m² for a type measured in m²)
and a 总户数 column; one row per county (its Chinese name or its code); a 合计 row. Every problem names
its cell ("C5") with the same wording as the JSON plan file (``counties.plan_file``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core import xls_guard
from core.exports import Column, Sheet
from core.xlsx_guard import WorkbookRefused, XlsxLimits, check_xlsx, column_label
from counties.models import County, Plan, RetrofitType
from counties.plan_file import (
    check_count,
    column_total_error,
    duplicate_county_error,
    row_total_error,
    unknown_county_error,
)

# A county per row and a column per type: a few dozen rows, a handful of columns.
TARGETS_LIMITS = XlsxLimits(
    max_rows=500, max_columns=40, max_total_bytes=8 << 20, max_part_bytes=8 << 20, max_styles=5_000
)
COUNTY_HEADER = "县（市、区）"
TOTAL_COLUMN = "总户数"
TOTAL_ROW = "合计"
UNIT_SUFFIX = re.compile(r"[（(]\s*(户|㎡|m2|m²|平方米)\s*[)）]\s*$")


@dataclass(frozen=True)
class TargetValue:
    households: int
    area_m2: Decimal | None = None


@dataclass
class ParsedTargets:
    targets: dict[tuple[str, str], TargetValue] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def type_header(retrofit_type: RetrofitType) -> str:
    return f"{retrofit_type.name}（{'㎡' if retrofit_type.is_area else '户'}）"


def template_types(plan: Plan) -> list[RetrofitType]:
    """The plan's types; every type for a plan that has no targets yet."""
    from counties.selectors import plan_types

    return plan_types(plan=plan) or list(RetrofitType.objects.order_by("order", "code"))


def targets_template_sheet(plan: Plan) -> Sheet:
    """The workbook the city office fills: every reporting county with the plan's current figures."""
    types = template_types(plan)
    current = {(t.county_id, t.retrofit_type_id): t for t in plan.targets.all()}
    rows = []
    sums = [Decimal("0")] * len(types)
    for county in County.objects.filter(files_reports=True).order_by("order", "code"):
        values = []
        for index, retrofit_type in enumerate(types):
            target = current.get((county.pk, retrofit_type.pk))
            value = target_cell_value(plan, retrofit_type, target)
            values.append(value)
            sums[index] += value
        households = sum((t.households if (t := current.get((county.pk, rt.pk))) else 0) for rt in types)
        rows.append([county.name, *values, households])
    type_ids = {t.pk for t in types}
    grand = sum(t.households for t in current.values() if t.retrofit_type_id in type_ids)
    return Sheet(
        name=_("目标任务"),
        title=_("运城市%(year)d年冬季清洁取暖目标任务表") % {"year": plan.year},
        columns=[
            Column(COUNTY_HEADER, "text", 14),
            *[Column(type_header(t), "int", 16) for t in types],
            Column(TOTAL_COLUMN, "int", 12),
        ],
        rows=rows,
        total_row=[TOTAL_ROW, *sums, grand],
        notes=[
            _("每个县（市、区）一行，填写县名或行政区划代码；户数为整数，面积单位为平方米。"),
            _("既有建筑节能改造按每户 %(m2)s 平方米折算户数。")
            % {"m2": format(plan.m2_per_household.normalize(), "f")},
        ],
    )


def target_cell_value(plan: Plan, retrofit_type: RetrofitType, target) -> Decimal | int:
    if target is None:
        return 0
    if retrofit_type.is_area:
        area = target.area_m2 if target.area_m2 is not None else Decimal(target.households) * plan.m2_per_household
        return area.normalize() if area == area.to_integral() else area
    return target.households


def workbook_rows(*, content: bytes, filename: str) -> list[list]:
    """The first sheet's rows (values only) of an .xlsx or .xls upload, checked before it is parsed."""
    if xls_guard.is_ole(content[:8]):
        return xls_guard.xls_rows(content, limits=TARGETS_LIMITS)
    if not filename.lower().endswith(".xlsx") and not content.startswith(b"PK"):
        raise WorkbookRefused("format", _("请上传 .xlsx 或 .xls 格式的目标任务表。"))
    check_xlsx(io.BytesIO(content), size=len(content), limits=TARGETS_LIMITS)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception:  # openpyxl raises assorted errors on damaged workbooks
        raise WorkbookRefused("corrupt", _("无法读取该工作簿，文件可能已损坏。")) from None
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _count(value, where: str, errors: list[str]) -> int | None:
    """A household count from a cell: an empty cell is 0; 12.0 is 12; text digits are accepted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value.strip())
    return check_count(value, where, errors)


def _area(value, where: str, errors: list[str]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0")
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value).strip().replace(",", ""))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(_("%(where)s：“%(value)s”不是数字。") % {"where": where, "value": value})
        return None
    if number < 0:
        errors.append(_("%(where)s：不能为负数（%(value)s）。") % {"where": where, "value": value})
        return None
    if number >= Decimal("1e12") or number != number.quantize(Decimal("0.01")):
        errors.append(_("%(where)s：面积最多两位小数（%(value)s）。") % {"where": where, "value": value})
        return None
    return number.quantize(Decimal("0.01"))


def _header_type(text: str, types: dict[str, RetrofitType]) -> RetrofitType | None:
    key = UNIT_SUFFIX.sub("", text).strip()
    return types.get(key) or types.get(key.lower())


def households_of_area(area: Decimal, plan: Plan) -> int:
    return int((area / plan.m2_per_household).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def parse_targets_rows(rows: list[list], *, plan: Plan) -> ParsedTargets:
    """Read the annex layout; every error names its cell."""
    result = ParsedTargets()
    errors = result.errors
    header_index = next(
        (i for i, row in enumerate(rows[:20]) if row and _text(row[0]) == COUNTY_HEADER),
        None,
    )
    if header_index is None:
        errors.append(_("未找到表头：第一列应有“%(header)s”一格（请使用下载的模板）。") % {"header": COUNTY_HEADER})
        return result
    header = rows[header_index]
    by_key: dict[str, RetrofitType] = {}
    for retrofit_type in RetrofitType.objects.all():
        by_key[retrofit_type.name] = retrofit_type
        by_key[retrofit_type.code.lower()] = retrofit_type
    columns: list[tuple[int, RetrofitType]] = []
    total_col = None
    for index, cell in enumerate(header[1:], start=1):
        text = _text(cell)
        ref = f"{column_label(index + 1)}{header_index + 1}"
        if not text:
            continue
        if text == TOTAL_COLUMN:
            total_col = index
            continue
        retrofit_type = _header_type(text, by_key)
        if retrofit_type is None:
            errors.append(_("%(where)s：未知的改造类型“%(code)s”。") % {"where": ref, "code": text})
            continue
        if any(rt == retrofit_type for _i, rt in columns):
            errors.append(_("%(where)s：改造类型“%(code)s”重复出现。") % {"where": ref, "code": text})
            continue
        columns.append((index, retrofit_type))
    if not columns:
        errors.append(_("表头没有任何改造类型列。"))
    if errors:
        # A wrong header makes every row's figures meaningless: say what is wrong with the header alone.
        return result

    counties: dict[str, County] = {}
    for county in County.objects.all():
        counties[county.name] = county
        counties[county.code] = county
    sums = {rt.pk: Decimal("0") for _i, rt in columns}
    # Columns whose sum is not known because a row of them was refused (and so the 总户数 sum too).
    incomplete: set[int] = set()
    households_incomplete = False
    household_sum = 0
    seen: set[int] = set()
    total_row = None
    for row_index in range(header_index + 1, len(rows)):
        row = rows[row_index]
        line = row_index + 1
        name = _text(row[0]) if row else ""
        cells = [row[i] if i < len(row) else None for i, _rt in columns]
        if not name and all(_text(c) == "" for c in cells):
            continue
        if name == TOTAL_ROW:
            total_row = (line, row)
            break
        where = f"A{line}"
        county = counties.get(name)
        if county is None:
            errors.append(unknown_county_error(where, name))
            incomplete.update(rt.pk for _col, rt in columns)
            continue
        if county.pk in seen:
            errors.append(duplicate_county_error(f"A{line}（{county.name}）"))
            incomplete.update(rt.pk for _col, rt in columns)
            continue
        seen.add(county.pk)
        row_households = 0
        values: dict[int, TargetValue] = {}
        ok = True
        for (col, retrofit_type), cell in zip(columns, cells, strict=True):
            ref = f"{column_label(col + 1)}{line}"
            if retrofit_type.is_area:
                area = _area(cell, ref, errors)
                if area is None:
                    ok = False
                    incomplete.add(retrofit_type.pk)
                    continue
                value = TargetValue(households_of_area(area, plan), area)
                sums[retrofit_type.pk] += area
            else:
                count = _count(cell, ref, errors)
                if count is None:
                    ok = False
                    incomplete.add(retrofit_type.pk)
                    continue
                value = TargetValue(count)
                sums[retrofit_type.pk] += count
            values[retrofit_type.pk] = value
            row_households += value.households
        if not ok:
            households_incomplete = True
            continue
        if total_col is not None:
            cell = row[total_col] if total_col < len(row) else None
            ref = f"{column_label(total_col + 1)}{line}"
            if _text(cell):
                stated = _count(cell, ref, errors)
                if stated is not None and stated != row_households:
                    errors.append(row_total_error(ref, row_households, stated))
        household_sum += row_households
        for _col, retrofit_type in columns:
            if retrofit_type.pk in values:
                result.targets[(county.code, retrofit_type.code)] = values[retrofit_type.pk]

    if total_row is not None:
        line, row = total_row
        for col, retrofit_type in columns:
            cell = row[col] if col < len(row) else None
            ref = f"{column_label(col + 1)}{line}"
            # A column with a refused cell has no sum to compare: its error is already named once.
            if not _text(cell) or retrofit_type.pk in incomplete:
                continue
            if retrofit_type.is_area:
                stated = _area(cell, ref, errors)
                unit = _("平方米")
            else:
                stated = _count(cell, ref, errors)
                unit = _("户")
            computed = sums[retrofit_type.pk]
            if stated is not None and Decimal(stated) != computed:
                errors.append(column_total_error(ref, _plain(computed), _plain(Decimal(stated)), unit))
        if total_col is not None and not (households_incomplete or incomplete):
            cell = row[total_col] if total_col < len(row) else None
            ref = f"{column_label(total_col + 1)}{line}"
            if _text(cell):
                stated = _count(cell, ref, errors)
                if stated is not None and stated != household_sum:
                    errors.append(column_total_error(ref, household_sum, stated))
    if not seen and not errors:
        errors.append(_("目标表没有任何县（市、区）的行。"))
    return result


def _plain(number: Decimal) -> str:
    return format(number.normalize() if number == number.to_integral() else number, "f")
