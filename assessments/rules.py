"""The scheme's shape and the points arithmetic: pure functions, no database.

A scheme (``AssessmentScheme.rules``) is::

    {"indicators": {code: {"weight": "40", <the rule's parameters>}, ...},
     "adjustment_limits": {"bonus": "5", "penalty": "10"},
     "grades": {"excellent": "90", "good": "80", "pass": "60"},
     "fund_basis": "grade" | "air_quality",
     "fund_coefficients": {"excellent": "1.10", "good": "1.00", "pass": "1.00", "fail": "0.80",
                           "air_met": "1.00", "air_not_met": "0.90"}}

Numbers are strings of decimals (exact, as money is). The weights add up to 100. An indicator of
weight 0 is not assessed. Each indicator's points are rounded to two places (ROUND_HALF_UP) once; the
total is the sum of the rounded points and the adjustments.

The rules, with ``W`` the indicator's weight:

* ``completion`` (``floor``): per retrofit type, completed ÷ target in force (m² for building
  retrofit), at most 100 %, weighted by the types' targets (households); W at ≥ 100 %, 0 at ≤ floor,
  linear between.
* ``timeliness``: W × months filed on time ÷ months due.
* ``data_quality`` (``per_return``, ``cap``): W − min(cap, per_return × reports returned).
* ``inspection`` (``per_point``, ``cap``): W − min(cap, per_point × % of visited households found
  改而不用 or 燃煤复烧).
* ``rectification``: W × rectifications closed by their deadline ÷ rectifications due.
* ``acceptance``: W × completed households accepted ÷ completed households.
* ``funds``: W × min(1, county-level money paid ÷ county share due).
* ``air_quality`` (``better``: ``lower`` or ``higher``): W when the measured value meets the county's
  target (at most it for ``lower``, at least it for ``higher``), else 0; 0 while nothing is entered.

Where a rule has nothing to measure (no month due, no household visited, no rectification due, no
completed household, nothing due), the county gets W: nothing went wrong.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

POINTS = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")

INDICATORS = {
    "completion": gettext_lazy("目标任务完成"),
    "timeliness": gettext_lazy("月报按时报送"),
    "data_quality": gettext_lazy("数据质量"),
    "inspection": gettext_lazy("改而不用、燃煤复烧"),
    "rectification": gettext_lazy("问题按期整改"),
    "acceptance": gettext_lazy("第三方验收"),
    "funds": gettext_lazy("县级补助资金到位"),
    "air_quality": gettext_lazy("空气质量考核指标"),
}
# The parameters each rule takes besides its weight, with their bounds.
PARAMETERS = {
    "completion": {"floor": (ZERO, Decimal("99.99"))},
    "timeliness": {},
    "data_quality": {"per_return": (ZERO, HUNDRED), "cap": (ZERO, HUNDRED)},
    "inspection": {"per_point": (ZERO, HUNDRED), "cap": (ZERO, HUNDRED)},
    "rectification": {},
    "acceptance": {},
    "funds": {},
    "air_quality": {},
}
AIR_BETTER = ("lower", "higher")
GRADES = {
    "excellent": gettext_lazy("优秀"),
    "good": gettext_lazy("良好"),
    "pass": gettext_lazy("合格"),
    "fail": gettext_lazy("不合格"),
}
GRADE_ORDER = ("excellent", "good", "pass")
FUND_BASES = ("grade", "air_quality")
COEFFICIENT_KEYS = ("excellent", "good", "pass", "fail", "air_met", "air_not_met")

DEFAULT_RULES = {
    "indicators": {
        "completion": {"weight": "40", "floor": "60"},
        "timeliness": {"weight": "10"},
        "data_quality": {"weight": "10", "per_return": "2", "cap": "10"},
        "inspection": {"weight": "10", "per_point": "1", "cap": "10"},
        "rectification": {"weight": "10"},
        "acceptance": {"weight": "5"},
        "funds": {"weight": "5"},
        "air_quality": {"weight": "10", "better": "lower"},
    },
    "adjustment_limits": {"bonus": "5", "penalty": "10"},
    "grades": {"excellent": "90", "good": "80", "pass": "60"},
    "fund_basis": "grade",
    "fund_coefficients": {
        "excellent": "1.10",
        "good": "1.00",
        "pass": "1.00",
        "fail": "0.80",
        "air_met": "1.00",
        "air_not_met": "0.90",
    },
}


def decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def points(value) -> Decimal:
    return decimal(value).quantize(POINTS, rounding=ROUND_HALF_UP)


def text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _number(errors: dict, path: str, value, low: Decimal, high: Decimal) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        errors[path] = [_('应为数字（文本形式，如 "40"）。')]
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[path] = [_("应为数字。")]
        return None
    if not number.is_finite() or number.as_tuple().exponent < -2:
        errors[path] = [_("最多两位小数。")]
        return None
    if number < low or number > high:
        errors[path] = [_("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}]
        return None
    return number


def scheme_clean(rules) -> dict:
    """The scheme in its canonical form (numbers as 2-place strings), or ``ValidationError`` with every
    problem by its path (``indicators.completion.weight``)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(rules, dict):
        raise ValidationError({"rules": [_("考核方案应为一个对象。")]})
    clean: dict = {"indicators": {}}
    indicators = rules.get("indicators")
    if not isinstance(indicators, dict):
        errors["indicators"] = [_("应列出每个考核指标。")]
        indicators = {}
    unknown = set(indicators) - set(INDICATORS)
    if unknown:
        errors["indicators"] = [_("未知的考核指标：%(codes)s。") % {"codes": "、".join(sorted(map(str, unknown)))}]
    total = ZERO
    for code in INDICATORS:
        given = indicators.get(code)
        path = f"indicators.{code}"
        if not isinstance(given, dict):
            errors[path] = [_("缺少该指标的权重和细则。")]
            continue
        item = {}
        weight = _number(errors, f"{path}.weight", given.get("weight"), ZERO, HUNDRED)
        if weight is not None:
            item["weight"] = text(points(weight))
            total += weight
        for name, (low, high) in PARAMETERS[code].items():
            value = _number(errors, f"{path}.{name}", given.get(name), low, high)
            if value is not None:
                item[name] = text(points(value))
        if code == "air_quality":
            better = given.get("better", "lower")
            if better not in AIR_BETTER:
                errors[f"{path}.better"] = [_("应为 lower（不高于目标值达标）或 higher（不低于目标值达标）。")]
            item["better"] = better
        clean["indicators"][code] = item
    if not errors and total != HUNDRED:
        errors["indicators"] = [_("各指标权重之和应为 100 分，现为 %(total)s 分。") % {"total": text(points(total))}]
    limits = rules.get("adjustment_limits") if isinstance(rules.get("adjustment_limits"), dict) else {}
    clean["adjustment_limits"] = {}
    for name in ("bonus", "penalty"):
        value = _number(errors, f"adjustment_limits.{name}", limits.get(name), ZERO, HUNDRED)
        if value is not None:
            clean["adjustment_limits"][name] = text(points(value))
    grades = rules.get("grades") if isinstance(rules.get("grades"), dict) else {}
    clean["grades"] = {}
    previous = None
    for code in GRADE_ORDER:
        value = _number(errors, f"grades.{code}", grades.get(code), Decimal("0.01"), HUNDRED)
        if value is None:
            continue
        if previous is not None and value >= previous:
            errors[f"grades.{code}"] = [_("应低于上一等次的分数线。")]
        previous = value
        clean["grades"][code] = text(points(value))
    basis = rules.get("fund_basis", "grade")
    if basis not in FUND_BASES:
        errors["fund_basis"] = [_("应为 grade（按等次）或 air_quality（按空气质量考核结果）。")]
    clean["fund_basis"] = basis
    coefficients = rules.get("fund_coefficients") if isinstance(rules.get("fund_coefficients"), dict) else {}
    clean["fund_coefficients"] = {}
    for name in COEFFICIENT_KEYS:
        value = _number(errors, f"fund_coefficients.{name}", coefficients.get(name), ZERO, Decimal("5"))
        if value is not None:
            clean["fund_coefficients"][name] = text(points(value))
    if errors:
        raise ValidationError(errors)
    return clean


def weight_of(rules: dict, code: str) -> Decimal:
    return decimal(rules["indicators"][code]["weight"])


def ratio_points(weight: Decimal, part, whole) -> Decimal:
    """W × part ÷ whole, at most W; W when there is nothing to measure."""
    if not whole:
        return points(weight)
    share = min(Decimal(part) / Decimal(whole), Decimal(1))
    return points(weight * share)


def completion_points(weight: Decimal, rate_percent: Decimal | None, floor: Decimal) -> Decimal:
    if rate_percent is None or rate_percent >= HUNDRED:
        return points(weight)
    if rate_percent <= floor:
        return points(ZERO)
    return points(weight * (rate_percent - floor) / (HUNDRED - floor))


def deduction_points(weight: Decimal, deduction: Decimal, cap: Decimal) -> Decimal:
    """W less the deduction, the deduction at most ``cap`` (and never below 0 points)."""
    return points(max(ZERO, weight - min(cap, deduction)))


def air_quality_met(*, value: Decimal, target: Decimal, better: str) -> bool:
    return value <= target if better == "lower" else value >= target


def grade_of(rules: dict, total: Decimal) -> str:
    for code in GRADE_ORDER:
        if total >= decimal(rules["grades"][code]):
            return code
    return "fail"


def fund_coefficient(rules: dict, *, grade: str, air_met: bool | None) -> Decimal:
    coefficients = rules["fund_coefficients"]
    if rules["fund_basis"] == "air_quality":
        return decimal(coefficients["air_met" if air_met else "air_not_met"])
    return decimal(coefficients[grade])


def ranks(totals: list[Decimal]) -> list[int]:
    """Competition ranking (1, 1, 3): equal totals share a rank, the next rank skips."""
    ordered = sorted(totals, reverse=True)
    first = {}
    for index, value in enumerate(ordered, start=1):
        first.setdefault(value, index)
    return [first[value] for value in totals]
