"""月报与花名册核对 as a workbook: the reconciliation page's rows, from the same scoped selector."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Column, Sheet


def reconciliation_sheet(*, plan, data: dict) -> Sheet:
    columns = [
        Column(_("县（市、区）"), "text", 12),
        Column(_("改造类型"), "text", 14),
        Column(_("单位"), "text", 6),
        Column(_("月报累计"), "count", 12),
        Column(_("花名册已完工"), "count", 12),
        Column(_("其中已验收"), "count", 12),
        Column(_("差额"), "count", 10),
    ]
    rows = [
        [
            r["county"].name,
            r["retrofit_type"].name,
            "㎡" if r["unit"] == "m2" else _("户"),
            r["reported"],
            r["roster_done"],
            r["roster_accepted"],
            r["difference"],
        ]
        for r in data["rows"]
    ]
    return Sheet(
        name=_("月报与花名册核对"),
        columns=columns,
        rows=rows,
        title=_("%(year)s年月报与花名册核对（截至 %(period)s）") % {"year": plan.year, "period": data["period"]},
        notes=[_("差额 = 月报 − 花名册已完工；既有建筑节能改造按面积（㎡）比较。")],
        landscape=False,
    )


def reconciliation_filename(*, plan, period: str) -> str:
    return _("%(year)s年月报与花名册核对_截至%(period)s.xlsx") % {"year": plan.year, "period": period}
