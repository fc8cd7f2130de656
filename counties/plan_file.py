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
MAX_COUNT = 100_000_000  # households of one county and type: far above any plan, far below the column's limit
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
    except RecursionError:
        raise PlanFileError([_("方案文件嵌套过深，不是有效的方案文件。")]) from None
    except OSError as exc:
        raise PlanFileError([_("无法读取方案文件：%(error)s") % {"error": exc.strerror or exc}]) from None
    if not isinstance(raw, dict):
        raise PlanFileError([_("方案文件的顶层应为对象。")])
    return parse_plan(raw, known_counties=known_counties, known_types=known_types)


# The messages of the target table, shared by the JSON plan file and the targets workbook
# (counties/targets_workbook.py): the same problem reads the same, only the place differs
# ("目标表第 3 行（140882）" in a file, "C5" in a workbook).


def unknown_county_error(where: str, county) -> str:
    return _("%(where)s：未知的县（市、区）“%(county)s”。") % {"where": where, "county": county}


def duplicate_county_error(where: str) -> str:
    return _("%(where)s：该县（市、区）重复出现。") % {"where": where}


def row_total_error(where: str, computed: int, stated: int) -> str:
    return _("%(where)s：各类型合计 %(sum)d 户，与所列总户数 %(stated)d 不符。") % {
        "where": where,
        "sum": computed,
        "stated": stated,
    }


def column_total_error(where: str, computed, stated, unit: str = "") -> str:
    return _("%(where)s：各县相加为 %(sum)s %(unit)s，与所列合计 %(stated)s 不符。") % {
        "where": where,
        "sum": computed,
        "stated": stated,
        "unit": unit or _("户"),
    }


def _as_nonneg_int(value, where: str, errors: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(_("%(where)s：“%(value)s”不是整数。") % {"where": where, "value": _shown(value)})
        return None
    if value < 0:
        errors.append(_("%(where)s：不能为负数（%(value)s）。") % {"where": where, "value": value})
        return None
    if value > MAX_COUNT:
        errors.append(_("%(where)s：数值过大（%(value)s）。") % {"where": where, "value": _shown(value)})
        return None
    return value


check_count = _as_nonneg_int


def _shown(value) -> str:
    """A value as the message quotes it: short, whatever its JSON type."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _as_nonneg_decimal(value, where: str, errors: list[str]) -> Decimal | None:
    if isinstance(value, float):
        # A float in the file has already lost exactness; insist on strings for money.
        errors.append(_('%(where)s：金额请写成字符串（如 "2000"），不要用浮点数。') % {"where": where})
        return None
    if isinstance(value, (bool, dict, list)) or value is None:
        errors.append(_("%(where)s：“%(value)s”不是数字。") % {"where": where, "value": _shown(value)})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(_("%(where)s：“%(value)s”不是数字。") % {"where": where, "value": _shown(value)})
        return None
    if not number.is_finite() or number < 0:
        errors.append(_("%(where)s：不能为负数或非有限数（%(value)s）。") % {"where": where, "value": _shown(value)})
        return None
    if number >= Decimal("1e12"):
        errors.append(_("%(where)s：数值过大（%(value)s）。") % {"where": where, "value": _shown(value)})
        return None
    return number


def _as_date(value, where: str, errors: list[str]) -> date | None:
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("%(where)s：“%(value)s”不是 YYYY-MM-DD 格式的日期。") % {"where": where, "value": _shown(value)}
        )
        return None


def _as_text(value, where: str, errors: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value).strip()
    errors.append(_("%(where)s：应为文字，而不是“%(value)s”。") % {"where": where, "value": _shown(value)})
    return ""


def _as_object(value, where: str, errors: list[str]) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    errors.append(_("%(where)s：应为对象（{...}），而不是“%(value)s”。") % {"where": where, "value": _shown(value)})
    return {}


def _as_list(value, where: str, errors: list[str]) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    errors.append(_("%(where)s：应为列表（[...]），而不是“%(value)s”。") % {"where": where, "value": _shown(value)})
    return []


def parse_plan(raw: dict, *, known_counties: set[str], known_types: set[str]) -> PlanData:
    """Check a plan file's content, whatever JSON it holds: every problem is collected, none raises."""
    errors: list[str] = []
    raw = _as_object(raw, _("方案文件的顶层"), errors)

    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(_("年度（year）应为 2000 至 2100 之间的整数。"))
    title = _as_text(raw.get("title"), _("方案名称（title）"), errors)[:200]
    if not title:
        errors.append(_("缺少方案名称（title）。"))
    document_number = _as_text(raw.get("document_number"), _("文号（document_number）"), errors)[:60]
    document_date = _as_date(raw.get("document_date"), _("印发日期（document_date）"), errors)
    deadline = _as_date(raw.get("deadline"), _("完成期限（deadline）"), errors)
    if document_date and deadline and deadline < document_date:
        errors.append(_("完成期限早于印发日期。"))
    m2 = _as_nonneg_decimal(raw.get("m2_per_household", "100"), _("每户折算面积（m2_per_household）"), errors)
    if m2 is not None and m2 == 0:
        errors.append(_("每户折算面积（m2_per_household）不能为 0。"))
    grid = _as_object(raw.get("grid_support"), _("配套电网（grid_support）"), errors)
    grid_total = _as_nonneg_decimal(
        grid.get("city_total", "0"), _("市级配套电网补贴（grid_support.city_total）"), errors
    )
    grid_rate = _as_nonneg_decimal(
        grid.get("county_rate", "0"), _("县级配套电网比例（grid_support.county_rate）"), errors
    )
    if grid_rate is not None and grid_rate > 1:
        errors.append(_("县级配套电网比例（grid_support.county_rate）应在 0 到 1 之间。"))

    types: list[dict] = []
    for index, item in enumerate(_as_list(raw.get("retrofit_types"), _("改造类型（retrofit_types）"), errors), 1):
        where = _("改造类型第 %(n)d 项") % {"n": index}
        item = _as_object(item, where, errors)
        code = _as_text(item.get("code"), where, errors)
        name = _as_text(item.get("name"), where, errors)[:50]
        unit = item.get("unit", "household")
        if not code or not code.replace("_", "").isalnum() or not code.isascii() or len(code) > 40:
            errors.append(_("%(where)s：代码“%(code)s”应为英文字母、数字和下划线。") % {"where": where, "code": code})
            continue
        if not name:
            errors.append(_("%(where)s（%(code)s）：缺少中文名称。") % {"where": where, "code": code})
        if not isinstance(unit, str) or unit not in UNITS:
            errors.append(
                _("%(where)s（%(code)s）：计量单位“%(unit)s”应为 household 或 m2。")
                % {"where": where, "code": code, "unit": _shown(unit)}
            )
        department = _as_text(item.get("department"), where, errors)[:50]
        types.append({"code": code, "name": name, "unit": unit, "order": index, "department": department})
    type_codes = {t["code"] for t in types} | set(known_types)

    counties: list[dict] = []
    for index, item in enumerate(_as_list(raw.get("counties"), _("县（市、区）（counties）"), errors), start=1):
        where = _("县（市、区）第 %(n)d 项") % {"n": index}
        item = _as_object(item, where, errors)
        code = _as_text(item.get("code"), where, errors)
        name = _as_text(item.get("name"), where, errors)[:50]
        if not (code.isascii() and code.isdigit() and len(code) in (6, 9)):
            errors.append(_("县（市、区）第 %(n)d 项：代码“%(code)s”应为6位或9位数字。") % {"n": index, "code": code})
            continue
        if not name:
            errors.append(_("县（市、区）第 %(n)d 项（%(code)s）：缺少名称。") % {"n": index, "code": code})
        files_reports = item.get("files_reports", True)
        if not isinstance(files_reports, bool):
            errors.append(_("%(where)s：files_reports 应为 true 或 false。") % {"where": where})
        counties.append({"code": code, "name": name, "order": index, "files_reports": files_reports is not False})
    county_codes = {c["code"] for c in counties} | set(known_counties)

    targets = _parse_targets(raw.get("targets"), type_codes=type_codes, county_codes=county_codes, errors=errors)
    rules = _parse_rules(raw.get("subsidy_rules"), type_codes=type_codes, errors=errors)

    if errors:
        raise PlanFileError(errors)
    return PlanData(
        year=year,
        title=title,
        document_number=document_number,
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


def _parse_targets(value, *, type_codes: set[str], county_codes: set[str], errors: list[str]) -> dict:
    targets: dict[tuple[str, str], int] = {}
    table = _as_object(value, _("目标表（targets）"), errors)
    columns = []
    for column in _as_list(table.get("columns"), _("目标表的列（targets.columns）"), errors):
        if not isinstance(column, str) or column not in type_codes:
            errors.append(_("目标表：未知的改造类型“%(code)s”。") % {"code": _shown(column)})
        else:
            columns.append(column)
    column_sums = [0] * len(columns)
    rows = _as_list(table.get("rows"), _("目标表的行（targets.rows）"), errors)
    if not rows:
        errors.append(_("目标表没有任何行。"))
    seen_counties: set[str] = set()
    for index, row in enumerate(rows, start=1):
        row = _as_object(row, _("目标表第 %(n)d 行") % {"n": index}, errors)
        county = row.get("county")
        county = _shown(county) if county is not None else ""
        where = _("目标表第 %(n)d 行（%(county)s）") % {"n": index, "county": county}
        if county not in county_codes:
            errors.append(unknown_county_error(where, county))
            continue
        if county in seen_counties:
            errors.append(duplicate_county_error(where))
            continue
        seen_counties.add(county)
        values = _as_list(row.get("values"), where, errors)
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
            errors.append(row_total_error(where, sum(numbers), stated))
        for i, (col, n) in enumerate(zip(columns, numbers, strict=True)):
            column_sums[i] += n
            targets[(county, col)] = n

    totals = _as_object(table.get("totals"), _("合计行（targets.totals）"), errors)
    total_values = _as_list(totals.get("values"), _("合计行（targets.totals.values）"), errors)
    if len(total_values) != len(columns):
        errors.append(_("合计行：应有 %(want)d 个数。") % {"want": len(columns)})
    else:
        for col, stated, computed in zip(columns, total_values, column_sums, strict=True):
            where = _("合计行 %(col)s 列") % {"col": col}
            stated_n = _as_nonneg_int(stated, where, errors)
            if stated_n is not None and stated_n != computed:
                errors.append(column_total_error(where, computed, stated_n))
        grand = _as_nonneg_int(totals.get("total"), _("合计行 总户数"), errors)
        if grand is not None and grand != sum(column_sums):
            errors.append(column_total_error(_("合计行 总户数"), sum(column_sums), grand))
    return targets


def _parse_rules(value, *, type_codes: set[str], errors: list[str]) -> dict:
    rules: dict[tuple[str, str, str], Decimal] = {}
    for index, item in enumerate(_as_list(value, _("补助标准（subsidy_rules）"), errors), start=1):
        item = _as_object(item, _("补助标准第 %(n)d 行") % {"n": index}, errors)
        type_code = item.get("type")
        type_code = _shown(type_code) if type_code is not None else ""
        area_class = item.get("area_class", "any")
        where = _("补助标准第 %(n)d 行（%(type)s）") % {"n": index, "type": type_code}
        if type_code not in type_codes:
            errors.append(_("%(where)s：未知的改造类型。") % {"where": where})
            continue
        if not isinstance(area_class, str) or area_class not in AREA_CLASSES:
            errors.append(
                _("%(where)s：城乡类别“%(value)s”应为 urban、rural 或 any。")
                % {"where": where, "value": _shown(area_class)}
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
    return rules
