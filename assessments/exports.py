"""The assessment as a workbook: the league table and one sheet per county breakdown the user may see.

Rendered only through ``core.exports`` (numbers as values, text never a formula); every row comes from
the scoped selectors, so a clerk before the final result gets its own county's sheet and nothing else,
and a department the completion of its own retrofit types.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.permissions import AssessmentManagers
from assessments.selectors import adjustments_for_user, breakdown_for_user, league_for_user
from core.exports import Column, Sheet, xlsx_response
from counties.selectors import scope_for_user


def number(text):
    """A figure's decimal string as a number for the sheet (None stays blank, other text stays text)."""
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return str(text)


def _percent(text) -> str:
    return "—" if text is None else f"{Decimal(text):.2f}%"


def _months(periods) -> str:
    return "、".join(periods) or _("无")


def indicator_explanation(indicator: dict) -> str:
    """How an indicator's points were reached, in one line, from its ``detail``."""
    detail = indicator.get("detail") or {}
    code = indicator["code"]
    if code == "completion":
        parts = [
            _("%(name)s完成 %(completed)s／目标 %(target)s（%(percent)s）")
            % {"name": t["name"], "completed": t["completed"], "target": t["target"], "percent": _percent(t["percent"])}
            for t in detail.get("types", [])
        ]
        return "；".join(parts + [_("完成率不高于 %(floor)s%% 得 0 分") % {"floor": detail.get("floor")}])
    if code == "timeliness":
        return _("应报 %(due)s 个月，按时报送 %(on_time)s 个月；逾期：%(late)s；未报：%(missing)s") % {
            "due": detail.get("due", 0),
            "on_time": detail.get("on_time", 0),
            "late": _months(detail.get("late", [])),
            "missing": _months(detail.get("missing", [])),
        }
    if code == "data_quality":
        months = [f"{r['period']}×{r['times']}" for r in detail.get("reports", [])]
        return _("月报被退回 %(n)s 次（%(months)s）") % {"n": detail.get("returns", 0), "months": _months(months)}
    if code == "inspection":
        return _("现场检查 %(visited)s 户，发现改而不用、燃煤复烧 %(found)s 户") % {
            "visited": detail.get("visited", 0),
            "found": detail.get("found", 0),
        }
    if code == "rectification":
        return _("应整改 %(due)s 项，按期销号 %(in_time)s 项") % {
            "due": detail.get("due", 0),
            "in_time": detail.get("in_time", 0),
        }
    if code == "acceptance":
        return _("完工 %(completed)s 户，已验收 %(accepted)s 户") % {
            "completed": detail.get("completed", 0),
            "accepted": detail.get("accepted", 0),
        }
    if code == "funds":
        return _("县级补助应到位 %(due)s 元，已到位 %(paid)s 元") % {
            "due": detail.get("due"),
            "paid": detail.get("paid"),
        }
    if code == "air_quality":
        if detail.get("value") is None:
            return _("尚未录入")
        met = _("达标") if detail.get("met") else _("未达标")
        return _("实测 %(value)s，目标 %(target)s，%(met)s（来源：%(source)s）") % {
            "value": detail["value"],
            "target": detail["target"],
            "met": met,
            "source": detail.get("source", ""),
        }
    return ""


def _league_sheet(*, user, assessment: Assessment, league: dict) -> Sheet:
    rows = league["counties"]
    title = _("%(year)s年度冬季清洁取暖工作目标责任考核结果（第 %(n)s 版，截至 %(as_of)s）") % {
        "year": assessment.plan.year,
        "n": assessment.number,
        "as_of": league["as_of"],
    }
    if rows and "indicators" not in rows[0]:
        return _completion_sheet(rows=rows, title=title)
    with_raw = AssessmentManagers.allows(user)
    indicators = [(i["code"], i["name"]) for i in rows[0]["indicators"]] if rows else []
    columns = [Column(_("县（市、区）"), width=12)]
    groups = [(_("县（市、区）"), 1)]
    for _code, name in indicators:
        if with_raw:
            columns += [Column(_("原始值"), "decimal", 10), Column(_("得分"), "decimal", 9)]
            groups.append((name, 2))
        else:
            columns.append(Column(name, "decimal", 10))
            groups.append((name, 1))
    tail = [
        Column(_("加减分"), "decimal", 9),
        Column(_("总分"), "decimal", 9),
        Column(_("名次"), "int", 7),
        Column(_("等次"), width=8),
        Column(_("资金系数"), "decimal", 9),
        Column(_("市级补助（元）"), "money", 14),
        Column(_("按系数调整后（元）"), "money", 16),
    ]
    columns += tail
    groups += [(c.header, 1) for c in tail]

    def values(row):
        cells = [row["county_name"]]
        for indicator in row["indicators"]:
            if with_raw:
                cells.append(number(indicator["raw"]))
            cells.append(number(indicator["points"]))
        return cells + [
            number(row["adjustments"]),
            number(row["total"]),
            row["rank"],
            row["grade_name"],
            number(row["fund_coefficient"]),
            number(row["city_share"]),
            number(row["city_share_adjusted"]),
        ]

    notes = (
        [_("原始值为百分比（%）的指标：完成率、按时报送率、问题户占比、按期整改率、验收率、资金到位率。")]
        if with_raw
        else []
    )
    return Sheet(
        name=_("考核结果"),
        title=title,
        columns=columns,
        header_groups=groups,
        rows=[values(r) for r in rows],
        notes=notes,
    )


def _completion_sheet(*, rows: list[dict], title: str) -> Sheet:
    """A department's sheet: the completion of its own types in every county."""
    types = [(t["type"], t["name"]) for t in rows[0]["types"]] if rows else []
    for row in rows:
        for t in row["types"]:
            if t["type"] not in {code for code, _name in types}:
                types.append((t["type"], t["name"]))
    columns = [Column(_("县（市、区）"), width=12)]
    groups = [(_("县（市、区）"), 1)]
    for _code, name in types:
        columns += [
            Column(_("目标"), "count", 11),
            Column(_("完成"), "count", 11),
            Column(_("完成率（%）"), "decimal", 11),
        ]
        groups.append((name, 3))

    def values(row):
        by_type = {t["type"]: t for t in row["types"]}
        cells = [row["county_name"]]
        for code, _name in types:
            t = by_type.get(code)
            cells += (
                [None, None, None] if t is None else [number(t["target"]), number(t["completed"]), number(t["percent"])]
            )
        return cells

    return Sheet(
        name=_("目标任务完成"), title=title, columns=columns, header_groups=groups, rows=[values(r) for r in rows]
    )


def _breakdown_sheet(*, row: dict, adjustments: list) -> Sheet:
    columns = [
        Column(_("项目"), width=18),
        Column(_("权重"), "decimal", 8),
        Column(_("原始值"), "decimal", 10),
        Column(_("得分"), "decimal", 9),
        Column(_("计算依据 / 理由"), width=60),
        Column(_("依据（文号或说明）"), width=24),
    ]
    rows = [
        [i["name"], number(i["weight"]), number(i["raw"]), number(i["points"]), indicator_explanation(i), ""]
        for i in row["indicators"]
    ]
    rows += [[_("加减分"), None, None, number(a.points), a.reason, a.basis] for a in adjustments]
    rank = row["rank"]
    summary = _("等次：%(grade)s；资金系数：%(coefficient)s") % {
        "grade": row["grade_name"],
        "coefficient": row["fund_coefficient"],
    }
    if rank is not None:
        summary = _("名次：%(rank)s；") % {"rank": rank} + summary
    total = [
        _("合计"),
        sum((number(i["weight"]) for i in row["indicators"]), Decimal(0)),
        None,
        number(row["total"]),
        summary,
        "",
    ]
    return Sheet(
        name=row["county_name"],
        title=_("%(county)s考核得分明细") % {"county": row["county_name"]},
        columns=columns,
        rows=rows,
        total_row=total,
        landscape=True,
    )


def assessment_sheets(*, user, assessment: Assessment) -> list[Sheet]:
    try:
        league = league_for_user(user=user, assessment=assessment)
    except Http404:
        league = None
    sheets = []
    if league is not None:
        sheets.append(_league_sheet(user=user, assessment=assessment, league=league))
        codes = [r["county"] for r in league["counties"]] if all("indicators" in r for r in league["counties"]) else []
        # The league's figures, handed to the breakdowns: a draft is computed once, not once per county.
        assessment = copy.copy(assessment)
        assessment.figures = league
    else:
        scope = scope_for_user(user)
        codes = [scope.county_code] if scope.is_clerk else []
    adjustments = list(adjustments_for_user(user=user, assessment=assessment))
    for code in codes:
        try:
            row = breakdown_for_user(user=user, assessment=assessment, code=code)
        except Http404:
            continue
        sheets.append(_breakdown_sheet(row=row, adjustments=[a for a in adjustments if a.county.code == code]))
    if not sheets:
        raise Http404
    return sheets


def assessment_filename(assessment: Assessment, suffix: str) -> str:
    return _("%(year)s年度年终考核_第%(n)s版%(suffix)s") % {
        "year": assessment.plan.year,
        "n": assessment.number,
        "suffix": suffix,
    }


def assessment_xlsx_response(*, user, assessment: Assessment):
    return xlsx_response(
        filename=assessment_filename(assessment, ".xlsx"), sheets=assessment_sheets(user=user, assessment=assessment)
    )
