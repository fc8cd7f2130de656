"""A monthly report's lines: parsing and checking what a clerk typed (households, m², per retrofit
type and area class), the over-target check, and replacing a report's lines. Writes of the report
itself (its workflow) are in ``services``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counties.models import AreaClass, Plan, RetrofitType
from counties.selectors import plan_types
from reports.models import Report, ReportLine
from reports.periods import previous_period
from reports.selectors import report_units

# Cumulative progress above this share of the target needs an explanation in the narrative.
EXPLAIN_ABOVE = Decimal("1.5")


EXPLANATION_MIN_LENGTH = 10


@dataclass(frozen=True)
class LineInput:
    retrofit_type: RetrofitType
    area_class: str
    households: int
    area_m2: Decimal
    # A typed 0 is kept (the clerk says "none this month"); a blank cell is not a zero and is not
    # stored, so a month with nothing entered can be told from an all-zero month at submission.
    entered: bool = True

    @property
    def key(self) -> str:
        return f"{self.retrofit_type.code}/{self.area_class}"

    @property
    def value(self):
        return self.area_m2 if self.retrofit_type.is_area else self.households


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_households(value, path: str, errors: dict) -> int:
    if _is_blank(value):
        return 0
    if isinstance(value, bool):
        errors[path] = [_("户数应为非负整数。")]
        return 0
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[path] = [_("户数“%(value)s”不是数字。") % {"value": value}]
        return 0
    if not number.is_finite() or number != number.to_integral_value():
        errors[path] = [_("户数应为整数，不能有小数（%(value)s）。") % {"value": value}]
        return 0
    if number < 0:
        errors[path] = [_("户数不能为负数（%(value)s）。") % {"value": value}]
        return 0
    if number > 10_000_000:
        errors[path] = [_("户数过大（%(value)s），请核对。") % {"value": value}]
        return 0
    return int(number)


def _clean_area(value, path: str, errors: dict) -> Decimal:
    if _is_blank(value):
        return Decimal("0")
    if isinstance(value, (bool, float)):
        errors[path] = [_('面积请以数字字符串填写，如 "5000" 或 "5000.50"。')]
        return Decimal("0")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[path] = [_("面积“%(value)s”不是数字。") % {"value": value}]
        return Decimal("0")
    if not number.is_finite() or number < 0:
        errors[path] = [_("面积不能为负数（%(value)s）。") % {"value": value}]
        return Decimal("0")
    if number != number.quantize(Decimal("0.01")):
        errors[path] = [_("面积最多保留两位小数（%(value)s）。") % {"value": value}]
        return Decimal("0")
    if number >= Decimal("1e12"):
        errors[path] = [_("面积过大（%(value)s），请核对。") % {"value": value}]
        return Decimal("0")
    return number


def clean_lines(*, plan: Plan, raw_lines) -> list[LineInput]:
    """Validate raw lines ``[{"type", "area_class", "households" | "area_m2"}]``; all errors at once."""
    if raw_lines is None:
        return []
    if not isinstance(raw_lines, (list, tuple)):
        raise ValidationError({"lines": [_("lines 应为列表。")]})
    types = {t.code: t for t in plan_types(plan=plan)}
    errors: dict[str, list[str]] = {}
    lines: list[LineInput] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_lines):
        prefix = f"lines.{index}"
        if not isinstance(raw, dict):
            errors[prefix] = [_("每一行应为对象。")]
            continue
        code = raw.get("type")
        retrofit_type = types.get(code) if isinstance(code, str) else None
        if retrofit_type is None:
            errors[f"{prefix}.type"] = [
                _("未知的改造类型“%(code)s”；可选：%(choices)s。") % {"code": code, "choices": "、".join(types)}
            ]
        area_class = raw.get("area_class")
        if area_class not in AreaClass.values:
            errors[f"{prefix}.area_class"] = [
                _("未知的城乡类别“%(value)s”；应为 urban（中心城区及县城）或 rural（农村）。") % {"value": area_class}
            ]
        if retrofit_type is None or area_class not in AreaClass.values:
            continue
        if (code, area_class) in seen:
            errors[prefix] = [_("%(type)s（%(area)s）重复填写。") % {"type": retrofit_type.name, "area": area_class}]
            continue
        seen.add((code, area_class))
        if retrofit_type.is_area:
            if not _is_blank(raw.get("households")) and str(raw.get("households")).strip() not in ("0",):
                errors[f"{prefix}.households"] = [
                    _("%(type)s按面积（area_m2）填报，不填户数。") % {"type": retrofit_type.name}
                ]
            area = _clean_area(raw.get("area_m2"), f"{prefix}.area_m2", errors)
            lines.append(LineInput(retrofit_type, area_class, 0, area, not _is_blank(raw.get("area_m2"))))
        else:
            if not _is_blank(raw.get("area_m2")) and str(raw.get("area_m2")).strip() not in ("0",):
                errors[f"{prefix}.area_m2"] = [_("%(type)s按户数填报，不填面积。") % {"type": retrofit_type.name}]
            households = _clean_households(raw.get("households"), f"{prefix}.households", errors)
            lines.append(
                LineInput(retrofit_type, area_class, households, Decimal("0"), not _is_blank(raw.get("households")))
            )
    if errors:
        raise ValidationError(errors)
    return lines


def over_target(*, report: Report, lines: list[LineInput]) -> list[dict]:
    """Types whose cumulative (approved before this month + this month) exceeds the target.

    Each item: type, target, cumulative, rate, needs_explanation (above 150 %).
    """
    from counties.selectors import targets_in_force

    if report.county_id is None or not lines:
        return []
    plan = report.plan
    before = report_units(plan=plan, period=previous_period(report.period), county_ids=[report.county_id])
    in_force = targets_in_force(plan=plan, period=report.period, county_ids=[report.county_id])
    targets = {type_id: value[0] for (_county_id, type_id), value in in_force.items()}
    this_month: dict[int, Decimal] = {}
    types: dict[int, RetrofitType] = {}
    for line in lines:
        types[line.retrofit_type.pk] = line.retrofit_type
        amount = line.area_m2 / plan.m2_per_household if line.retrofit_type.is_area else Decimal(line.households)
        this_month[line.retrofit_type.pk] = this_month.get(line.retrofit_type.pk, Decimal(0)) + amount
    result = []
    for type_id, amount in this_month.items():
        retrofit_type = types[type_id]
        previous = Decimal(0)
        for area_class in AreaClass.values:
            units = before.get((report.county_id, type_id, area_class))
            if units:
                previous += units.area_m2 / plan.m2_per_household if retrofit_type.is_area else units.households
        cumulative = previous + amount
        target = Decimal(targets.get(type_id, 0))
        if cumulative > target:
            result.append(
                {
                    "type": retrofit_type.code,
                    "type_name": retrofit_type.name,
                    "target": target,
                    "cumulative": cumulative,
                    "needs_explanation": cumulative > target * EXPLAIN_ABOVE,
                }
            )
    return result


def check_explanation(report: Report, lines: list[LineInput], narrative: str) -> None:
    needing = [item for item in over_target(report=report, lines=lines) if item["needs_explanation"]]
    if needing and len(narrative.strip()) < EXPLANATION_MIN_LENGTH:
        names = "、".join(item["type_name"] for item in needing)
        raise ValidationError(
            {
                "narrative": [
                    _("%(types)s累计完成超过目标任务的150%%，请在“当月工作推进情况”中说明原因（至少 %(n)d 字）。")
                    % {"types": names, "n": EXPLANATION_MIN_LENGTH}
                ]
            }
        )


def line_snapshot(report: Report) -> dict[str, str]:
    """The report's figures for its history; a stored 0 reads as no figure (as before zeros were kept)."""
    return {
        f"{line.retrofit_type.code}/{line.area_class}": str(
            line.area_m2 if line.retrofit_type.is_area else line.households
        )
        for line in report.lines.select_related("retrofit_type")
        if line.households or line.area_m2
    }


def check_not_blank(report: Report) -> None:
    """A county report with no cell entered is not a report of zero progress: refuse to submit it.
    (A department's report has no figures, only its narrative.) An all-zero month passes here and
    needs its narrative like any month (``report_submit``)."""
    if report.county_id is not None and not report.lines.exists():
        raise ValidationError({"lines": [_("本月未填写任何数据；如本月确无进展，请在各项填 0 并在说明中写明")]})


def replace_lines(report: Report, lines: list[LineInput]) -> None:
    report.lines.all().delete()
    ReportLine.objects.bulk_create(
        [
            ReportLine(
                report=report,
                retrofit_type=line.retrofit_type,
                area_class=line.area_class,
                households=line.households,
                area_m2=line.area_m2,
            )
            for line in lines
            if line.entered or line.households or line.area_m2
        ]
    )
