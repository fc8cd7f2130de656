"""困难群众兜底 as a workbook: the hardship page's rows, from the same scoped selector."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Column, Sheet


def hardship_sheet(*, summary: dict) -> Sheet:
    columns = [
        Column(_("县（市、区）"), "text", 12),
        Column(_("困难群众（户）"), "count", 10),
        Column(_("已改造（户）"), "count", 10),
        Column(_("已验收（户）"), "count", 10),
        Column(_("已拨付（户）"), "count", 10),
        Column(_("一次性兜底（元/户）"), "money", 12),
        Column(_("每采暖季兜底（元/户）"), "money", 12),
        Column(_("承担自筹"), "text", 8),
        Column(_("一次性兜底应付（元）"), "money", 14),
        Column(_("一次性兜底已付（元）"), "money", 14),
        Column(_("每采暖季兜底（元）"), "money", 14),
        Column(_("文号"), "text", 22),
    ]
    rows = []
    for r in summary["rows"]:
        g = r["guarantee"]
        rows.append(
            [
                r["county"].name,
                r["on_roster"],
                r["converted"],
                r["accepted"],
                r["paid"],
                g.one_time_extra if g else None,
                g.seasonal_extra if g else None,
                (_("是") if g.pays_household_share else _("否")) if g else _("尚未填报"),
                r["one_time_due"],
                r["one_time_paid"],
                r["seasonal_due"],
                g.document_number if g else "",
            ]
        )
    t = summary["totals"]
    total = [_("合计"), t["on_roster"], t["converted"], t["accepted"], t["paid"], None, None, ""]
    total += [t["one_time_due"], t["one_time_paid"], t["seasonal_due"], ""]
    return Sheet(
        name=_("困难群众兜底"),
        columns=columns,
        rows=rows,
        total_row=total if len(rows) > 1 else None,
        title=_("%(year)s年困难群众清洁取暖兜底") % {"year": summary["plan"].year},
        notes=[
            _(
                "已改造：已完工、已验收或已拨付补助；一次性兜底应付 = 已改造户数 × 一次性兜底补助，"
                "已付 = 已拨付补助户数 × 一次性兜底补助；每采暖季兜底 = 已改造户数 × 每采暖季兜底补助。"
            )
        ],
    )


def hardship_filename(*, plan) -> str:
    return _("%(year)s年困难群众兜底.xlsx") % {"year": plan.year}
