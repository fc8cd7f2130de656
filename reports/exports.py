"""The progress export in the annex layout, rendered by the shared writer (core.exports).

序号, 县（市、区）, then for each retrofit type 目标 / 完成 / 完成率, then 总户数 (目标 / 完成 / 完成率),
and the 合计 row, every figure a value. Rows come from ``progress_table`` (scoped to the user).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Column, Sheet
from counties.templatetags.heating import pct_points
from reports.states import state_label


def _period_label(period: str) -> str:
    year, month = period.split("-")
    return _("%(year)s年%(month)s月") % {"year": year, "month": int(month)}


def progress_title(*, plan, period: str) -> str:
    return _("%(plan)s 目标任务完成情况（截至%(month)s底）") % {"plan": plan.title, "month": _period_label(period)}


def progress_export(table: dict) -> dict:
    """Columns, header groups, rows and the 合计 row of the progress export."""
    types = table["types"]
    any_area = any(t.is_area for t in types)
    columns = [Column(_("序号"), "int", 6), Column(_("县（市、区）"), "text", 14)]
    groups: list[tuple[str, int]] = [(_("序号"), 1), (_("县（市、区）"), 1)]
    for t in types:
        columns += [
            Column(_("%(type)s目标") % {"type": t.name}, "int", 10),
            Column(_("%(type)s完成") % {"type": t.name}, "count" if t.is_area else "int", 10),
            Column(_("%(type)s完成率") % {"type": t.name}, "rate", 9),
        ]
        groups.append((_("%(type)s（户）") % {"type": t.name}, 3))
    columns += [
        Column(_("总户数目标"), "int", 11),
        Column(_("总户数完成"), "count" if any_area else "int", 11),
        Column(_("总户数完成率"), "rate", 9),
    ]
    groups.append((_("总户数"), 3))

    def cells(row_types: dict, total: dict) -> list:
        values = []
        for t in types:
            cell = row_types[t.code]
            values += [cell["target"], cell["completed"], cell["rate"]]
        values += [total["target"], total["completed"], total["rate"]]
        return values

    rows = [
        [index, row["county"].name, *cells(row["types"], row["total"])]
        for index, row in enumerate(table["rows"], start=1)
    ]
    total_row = ["", _("合计"), *cells(table["totals"]["types"], table["totals"]["total"])]
    return {"columns": columns, "groups": groups, "rows": rows, "total_row": total_row}


def progress_notes(*, plan) -> list[str]:
    return [
        _(
            "单位：户。完成数为已审核月报的累计数；既有建筑节能改造按 %(m2)s 平方米/户折算户数；完成率 = 累计完成 ÷ 目标。"
        )
        % {"m2": format(plan.m2_per_household.normalize(), "f")}
    ]


def progress_sheet(*, table: dict) -> Sheet:
    data = progress_export(table)
    return Sheet(
        name=_("进度表"),
        columns=data["columns"],
        rows=data["rows"],
        title=progress_title(plan=table["plan"], period=table["period"]),
        header_groups=data["groups"],
        total_row=data["total_row"],
        notes=progress_notes(plan=table["plan"]),
    )


def progress_filename(*, plan, period: str, extension: str) -> str:
    return f"{plan.year}年清洁取暖进度表_{period}.{extension}"


def status_sheet(*, plan, grid: dict) -> Sheet:
    """报送情况: counties × months, each cell the month's state and its first submission date; the
    months' completeness and timeliness below."""
    periods = grid["periods"]
    columns = [Column(_("县（市、区）"), "text", 14)] + [Column(p, "text", 16) for p in periods]
    rows = []
    for row in grid["rows"]:
        cells = [row["county"].name]
        for cell in row["cells"]:
            state = cell["state"]
            text = state_label(state)
            if state.submitted_at:
                text += _("，%(date)s报送") % {"date": timezone.localtime(state.submitted_at).strftime("%m-%d")}
            cells.append(text)
        rows.append(cells)
    months = grid["months"]
    rows.append([_("已报送（个）")] + [str(m["submitted"]) for m in months])
    rows.append([_("报送率")] + [pct_points(m["completeness_percent"] or 0) for m in months])
    rows.append([_("按时报送（个）")] + [str(m["on_time"]) for m in months])
    rows.append([_("及时率")] + [pct_points(m["timeliness_percent"] or 0) for m in months])
    return Sheet(
        name=_("报送情况"),
        columns=columns,
        rows=rows,
        title=_("%(title)s 月报报送情况") % {"title": plan.title},
        notes=[_("草稿不算报送；是否逾期按首次报送时间判断。导出时的状态。")],
    )


def status_filename(*, plan) -> str:
    return _("%(year)s年月报报送情况.xlsx") % {"year": plan.year}
