"""Reading and checking a plan file (JSON; the 2021 plan is ``counties/data/plans/2021.json``).

The checks run before anything is written, and every problem is collected so that the person
preparing the file sees all of them at once, each naming the row it is in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

PLANS_DIR = Path(__file__).resolve().parent / "data" / "plans"

UNITS = {"household", "m2"}
AREA_CLASSES = {"urban", "rural", "any"}


class PlanFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class PlanData:
    year: int
    title: str
    document_date: date
    deadline: date
    m2_per_household: Decimal
    grid_city_total: Decimal
    grid_county_rate: Decimal
    document_number: str = ""
    retrofit_types: list[dict] = field(default_factory=list)
    counties: list[dict] = field(default_factory=list)
    # (county code, type code) -> households
    targets: dict[tuple[str, str], int] = field(default_factory=dict)
    # (type code, area class, level) -> amount
    subsidy_rules: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)


def resolve_plan_path(arg: str) -> Path:
    """``2021`` means the shipped plan; anything else is a path."""
    if arg.isdigit():
        return PLANS_DIR / f"{arg}.json"
    return Path(arg)


def read_plan_file(path: Path, *, known_counties: set[str], known_types: set[str]) -> PlanData:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFileError([_("找不到方案文件：%(path)s") % {"path": path}]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError([_("方案文件不是有效的 UTF-8 JSON：%(error)s") % {"error": exc}]) from None
    if not isinstance(raw, dict):
        raise PlanFileError([_("方案文件的顶层应为对象。")])
    return parse_plan(raw, known_counties=known_counties, known_types=known_types)


def _as_nonneg_int(value, where: str, errors: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(_("%(where)s：“%(value)s”不是整数。") % {"where": where, "value": value})
        return None
    if value < 0:
        errors.append(_("%(where)s：不能为负数（%(value)s）。") % {"where": where, "value": value})
        return None
    return value


def _as_nonneg_decimal(value, where: str, errors: list[str]) -> Decimal | None:
    if isinstance(value, float):
        # A float in the file has already lost exactness; insist on strings for money.
        errors.append(_('%(where)s：金额请写成字符串（如 "2000"），不要用浮点数。') % {"where": where})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(_("%(where)s：“%(value)s”不是数字。") % {"where": where, "value": value})
        return None
    if not number.is_finite() or number < 0:
        errors.append(_("%(where)s：不能为负数或非有限数（%(value)s）。") % {"where": where, "value": value})
        return None
    return number


def _as_date(value, where: str, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(_("%(where)s：“%(value)s”不是 YYYY-MM-DD 格式的日期。") % {"where": where, "value": value})
        return None


def parse_plan(raw: dict, *, known_counties: set[str], known_types: set[str]) -> PlanData:
    errors: list[str] = []

    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(_("年度（year）应为 2000 至 2100 之间的整数。"))
    title = str(raw.get("title") or "").strip()
    if not title:
        errors.append(_("缺少方案名称（title）。"))
    document_date = _as_date(raw.get("document_date"), _("印发日期（document_date）"), errors)
    deadline = _as_date(raw.get("deadline"), _("完成期限（deadline）"), errors)
    if document_date and deadline and deadline < document_date:
        errors.append(_("完成期限早于印发日期。"))
    m2 = _as_nonneg_decimal(raw.get("m2_per_household", "100"), _("每户折算面积（m2_per_household）"), errors)
    if m2 is not None and m2 == 0:
        errors.append(_("每户折算面积（m2_per_household）不能为 0。"))
    grid = raw.get("grid_support") or {}
    grid_total = _as_nonneg_decimal(
        grid.get("city_total", "0"), _("市级配套电网补贴（grid_support.city_total）"), errors
    )
    grid_rate = _as_nonneg_decimal(
        grid.get("county_rate", "0"), _("县级配套电网比例（grid_support.county_rate）"), errors
    )
    if grid_rate is not None and grid_rate > 1:
        errors.append(_("县级配套电网比例（grid_support.county_rate）应在 0 到 1 之间。"))

    types: list[dict] = []
    for index, item in enumerate(raw.get("retrofit_types") or [], start=1):
        where = _("改造类型第 %(n)d 项") % {"n": index}
        code = str((item or {}).get("code") or "").strip()
        name = str((item or {}).get("name") or "").strip()
        unit = (item or {}).get("unit", "household")
        if not code or not code.replace("_", "").isalnum() or not code.isascii():
            errors.append(_("%(where)s：代码“%(code)s”应为英文字母、数字和下划线。") % {"where": where, "code": code})
            continue
        if not name:
            errors.append(_("%(where)s（%(code)s）：缺少中文名称。") % {"where": where, "code": code})
        if unit not in UNITS:
            errors.append(
                _("%(where)s（%(code)s）：计量单位“%(unit)s”应为 household 或 m2。")
                % {"where": where, "code": code, "unit": unit}
            )
        types.append(
            {"code": code, "name": name, "unit": unit, "order": index, "department": str(item.get("department") or "")}
        )
    type_codes = {t["code"] for t in types} | set(known_types)

    counties: list[dict] = []
    for index, item in enumerate(raw.get("counties") or [], start=1):
        code = str((item or {}).get("code") or "").strip()
        name = str((item or {}).get("name") or "").strip()
        if not (code.isdigit() and len(code) in (6, 9)):
            errors.append(_("县（市、区）第 %(n)d 项：代码“%(code)s”应为6位或9位数字。") % {"n": index, "code": code})
            continue
        if not name:
            errors.append(_("县（市、区）第 %(n)d 项（%(code)s）：缺少名称。") % {"n": index, "code": code})
        counties.append(
            {"code": code, "name": name, "order": index, "files_reports": bool(item.get("files_reports", True))}
        )
    county_codes = {c["code"] for c in counties} | set(known_counties)

    targets: dict[tuple[str, str], int] = {}
    table = raw.get("targets") or {}
    columns = table.get("columns") or []
    for column in columns:
        if column not in type_codes:
            errors.append(_("目标表：未知的改造类型“%(code)s”。") % {"code": column})
    column_sums = [0] * len(columns)
    rows = table.get("rows") or []
    if not rows:
        errors.append(_("目标表没有任何行。"))
    seen_counties: set[str] = set()
    for index, row in enumerate(rows, start=1):
        county = str((row or {}).get("county") or "")
        where = _("目标表第 %(n)d 行（%(county)s）") % {"n": index, "county": county}
        if county not in county_codes:
            errors.append(_("%(where)s：未知的县（市、区）代码。") % {"where": where})
            continue
        if county in seen_counties:
            errors.append(_("%(where)s：该县（市、区）重复出现。") % {"where": where})
            continue
        seen_counties.add(county)
        values = row.get("values") or []
        if len(values) != len(columns):
            errors.append(
                _("%(where)s：有 %(got)d 个数，应有 %(want)d 个。")
                % {"where": where, "got": len(values), "want": len(columns)}
            )
            continue
        numbers = [_as_nonneg_int(v, f"{where} {col}", errors) for v, col in zip(values, columns, strict=True)]
        if any(n is None for n in numbers):
            continue
        stated = _as_nonneg_int(row.get("total"), _("%(where)s 总户数") % {"where": where}, errors)
        if stated is not None and stated != sum(numbers):
            errors.append(
                _("%(where)s：各类型合计 %(sum)d 户，与所列总户数 %(stated)d 不符。")
                % {"where": where, "sum": sum(numbers), "stated": stated}
            )
        for i, (col, n) in enumerate(zip(columns, numbers, strict=True)):
            column_sums[i] += n
            targets[(county, col)] = n

    totals = table.get("totals") or {}
    total_values = totals.get("values") or []
    if len(total_values) != len(columns):
        errors.append(_("合计行：应有 %(want)d 个数。") % {"want": len(columns)})
    else:
        for col, stated, computed in zip(columns, total_values, column_sums, strict=True):
            stated_n = _as_nonneg_int(stated, _("合计行 %(col)s") % {"col": col}, errors)
            if stated_n is not None and stated_n != computed:
                errors.append(
                    _("合计行 %(col)s 列：各县相加为 %(sum)d 户，与所列合计 %(stated)d 不符。")
                    % {"col": col, "sum": computed, "stated": stated_n}
                )
        grand = _as_nonneg_int(totals.get("total"), _("合计行 总户数"), errors)
        if grand is not None and grand != sum(column_sums):
            errors.append(
                _("合计行 总户数：各县相加为 %(sum)d 户，与所列合计 %(stated)d 不符。")
                % {"sum": sum(column_sums), "stated": grand}
            )

    rules: dict[tuple[str, str, str], Decimal] = {}
    for index, item in enumerate(raw.get("subsidy_rules") or [], start=1):
        type_code = str((item or {}).get("type") or "")
        area_class = (item or {}).get("area_class", "any")
        where = _("补助标准第 %(n)d 行（%(type)s）") % {"n": index, "type": type_code}
        if type_code not in type_codes:
            errors.append(_("%(where)s：未知的改造类型。") % {"where": where})
            continue
        if area_class not in AREA_CLASSES:
            errors.append(
                _("%(where)s：城乡类别“%(value)s”应为 urban、rural 或 any。") % {"where": where, "value": area_class}
            )
            continue
        for level in ("city", "county"):
            if level not in item:
                errors.append(_("%(where)s：缺少 %(level)s 出资标准。") % {"where": where, "level": level})
                continue
            amount = _as_nonneg_decimal(item[level], f"{where} {level}", errors)
            if amount is None:
                continue
            key = (type_code, area_class, level)
            if key in rules:
                errors.append(_("%(where)s：与前面的补助标准重复。") % {"where": where})
            rules[key] = amount

    if errors:
        raise PlanFileError(errors)
    return PlanData(
        year=year,
        title=title,
        document_number=str(raw.get("document_number") or "").strip()[:60],
        document_date=document_date,
        deadline=deadline,
        m2_per_household=m2,
        grid_city_total=grid_total,
        grid_county_rate=grid_rate,
        retrofit_types=types,
        counties=counties,
        targets=targets,
        subsidy_rules=rules,
    )
