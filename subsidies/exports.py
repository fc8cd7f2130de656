"""The subsidy workbook and CSV, built from the API payload (live or frozen in a settlement).

Rendering goes through ``core.exports`` (values, never formulas; Chinese headers;
yuan format; printable). Building from the payload means a settlement's file shows exactly the
frozen figures.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.exports import Column, Sheet, write_xlsx
from counties.models import AreaClass
from subsidies.models import Level

AREA_LABELS = {"urban": AreaClass.URBAN.label, "rural": AreaClass.RURAL.label}
LEVEL_LABELS = {"city": Level.CITY.label, "county": Level.COUNTY.label}
AREA_CLASSES = ("urban", "rural")
LEVELS = ("city", "county")


def _d(value) -> Decimal:
    return Decimal(value)


def _units(value, unit: str):
    return Decimal(value) if unit == "m2" else int(value)


def _ruled_types(payload: dict) -> list[dict]:
    return [t for t in payload["types"] if t["has_rule"]]


def _notes(payload: dict) -> list[str]:
    notes = [
        _("截至 %(period)s 已审核月报累计完成量 × 补助标准；金额单位：元。") % {"period": payload["period"]},
    ]
    for t in payload["types"]:
        if not t["has_rule"]:
            notes.append(_("%(name)s：本年度方案无一次性改造补助，补助金额为 0。") % {"name": t["name"]})
    changed = _changed_rates(payload)
    if changed:
        notes.append(_("补助标准在截至月份前有调整：各月新完成量按当月执行的标准计算，“标准”列为截至月份执行的标准。"))
        notes.extend(changed)
    return notes


def _period_text(periods: list[dict]) -> str:
    parts = []
    for index, p in enumerate(periods):
        amount = format(Decimal(p["amount"]), ",.2f")
        if index == len(periods) - 1:
            parts.append(_("%(start)s 起 %(amount)s 元") % {"start": p["start"], "amount": amount})
        else:
            parts.append(
                _("%(start)s 至 %(end)s %(amount)s 元") % {"start": p["start"], "end": p["end"], "amount": amount}
            )
    return "；".join(parts)


def _changed_rates(payload: dict) -> list[str]:
    """One line per type × area class × level whose rate changed within the months that count."""
    lines = []
    for t in payload["types"]:
        by_class = t.get("rate_periods") or {}  # absent in settlements made before rates had months
        for ac in AREA_CLASSES:
            for lvl in LEVELS:
                periods = (by_class.get(ac) or {}).get(lvl) or []
                if len(periods) > 1:
                    label = f"{t['name']}·{AREA_LABELS[ac]}·{LEVEL_LABELS[lvl]}"
                    lines.append(f"{label}：{_period_text(periods)}")
    return lines


def summary_columns(payload: dict) -> tuple[list[Column], list[tuple[str, int]]]:
    columns = [Column(str(_("序号")), "int", 6), Column(str(_("县（市、区）")), "text", 12)]
    groups: list[tuple[str, int]] = [("", 2)]
    for t in _ruled_types(payload):
        for ac in AREA_CLASSES:
            for lvl in LEVELS:
                columns.append(Column(f"{t['name']}·{AREA_LABELS[ac]}·{LEVEL_LABELS[lvl]}", "money", 14))
        groups.append((t["name"], len(AREA_CLASSES) * len(LEVELS)))
    columns += [
        Column(str(_("市级补助合计")), "money", 15),
        Column(str(_("县级补助合计")), "money", 15),
        Column(str(_("补助总计")), "money", 15),
    ]
    groups.append((str(_("合计")), 3))
    return columns, groups


def summary_rows(payload: dict) -> tuple[list[list], list]:
    types = _ruled_types(payload)
    rows = []
    for index, row in enumerate(payload["rows"], start=1):
        values: list = [index, row["county_name"]]
        for t in types:
            for ac in AREA_CLASSES:
                cell = row["by_type"][t["code"]][ac]
                values += [_d(cell["city_share"]), _d(cell["county_share"])]
        values += [_d(row["city_share"]), _d(row["county_share"]), _d(row["total"])]
        rows.append(values)
    total: list = ["", str(_("合计"))]
    for t in types:
        for ac in AREA_CLASSES:
            cell = payload["by_type"][t["code"]][ac]
            total += [_d(cell["city_share"]), _d(cell["county_share"])]
    totals = payload["totals"]
    total += [_d(totals["city_share"]), _d(totals["county_share"]), _d(totals["total"])]
    return rows, total


DETAIL_COLUMNS = [
    (gettext_noop("改造类型"), "text", 16),
    (gettext_noop("城乡"), "text", 14),
    (gettext_noop("计量单位"), "text", 8),
    (gettext_noop("累计完成量"), "count", 12),
    (gettext_noop("市级标准（元）"), "money", 12),
    (gettext_noop("市级补助（元）"), "money", 14),
    (gettext_noop("县级标准（元）"), "money", 12),
    (gettext_noop("县级补助（元）"), "money", 14),
    (gettext_noop("合计（元）"), "money", 14),
]


def county_sheet(payload: dict, row: dict) -> Sheet:
    columns = [Column(str(_(header)), kind, width) for header, kind, width in DETAIL_COLUMNS]
    lines = []
    for t in payload["types"]:
        unit_label = str(_("平方米")) if t["unit"] == "m2" else str(_("户"))
        for ac in AREA_CLASSES:
            cell = row["by_type"][t["code"]][ac]
            rates = t["rates"][ac]
            city, county = _d(cell["city_share"]), _d(cell["county_share"])
            lines.append(
                [
                    t["name"],
                    str(AREA_LABELS[ac]),
                    unit_label,
                    _units(cell["units"], t["unit"]),
                    _d(rates["city"]) if rates["city"] is not None else None,
                    city,
                    _d(rates["county"]) if rates["county"] is not None else None,
                    county,
                    city + county,
                ]
            )
    total = [
        str(_("合计")),
        "",
        "",
        None,
        None,
        _d(row["city_share"]),
        None,
        _d(row["county_share"]),
        _d(row["total"]),
    ]
    title = _("%(county)s %(year)s年冬季清洁取暖一次性改造补助明细（截至 %(period)s）") % {
        "county": row["county_name"],
        "year": payload["plan"],
        "period": payload["period"],
    }
    return Sheet(
        name=f"{row['county']}{row['county_name']}",
        columns=columns,
        rows=lines,
        total_row=total,
        title=title,
        notes=_notes(payload),
    )


def subsidy_sheets(payload: dict) -> list[Sheet]:
    columns, groups = summary_columns(payload)
    rows, total = summary_rows(payload)
    title = _("运城市%(year)s年冬季清洁取暖一次性改造补助汇总表（截至 %(period)s）") % {
        "year": payload["plan"],
        "period": payload["period"],
    }
    summary = Sheet(
        name=str(_("汇总")),
        columns=columns,
        rows=rows,
        total_row=total,
        title=title,
        header_groups=groups,
        notes=_notes(payload),
    )
    return [summary] + [county_sheet(payload, row) for row in payload["rows"]]


def subsidy_xlsx_bytes(payload: dict) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(subsidy_sheets(payload), buffer)
    return buffer.getvalue()


def export_filename(payload: dict, ext: str) -> str:
    return f"{payload['plan']}年补助资金汇总_截至{payload['period']}.{ext}"


def settlement_filename(settlement) -> str:
    """2021年补助资金结算_截至2021-09_第5号.xlsx (a settlement's stored workbook)."""
    return f"{settlement.plan.year}年补助资金结算_截至{settlement.period}_第{settlement.pk}号.xlsx"


def payment_ledger_sheet(*, plan, payments) -> Sheet:
    """拨付台账: every disbursement, voided ones kept and marked; the total counts the valid ones only."""
    from core.people import person

    columns = [
        Column(_("序号"), "int", 6),
        Column(_("县（市、区）"), "text", 12),
        Column(_("出资层级"), "text", 8),
        Column(_("拨付日期"), "date", 11),
        Column(_("拨付文号"), "text", 22),
        Column(_("拨付金额（元）"), "money", 14),
        Column(_("超额拨付说明"), "text", 20),
        Column(_("登记人"), "text", 12),
        Column(_("登记时间"), "datetime", 16),
        Column(_("状态"), "text", 8),
        Column(_("作废原因"), "text", 20),
    ]
    rows, total = [], Decimal("0")
    for index, p in enumerate(payments, start=1):
        voided = p.voided_at is not None
        if not voided:
            total += p.amount
        rows.append(
            [
                index,
                p.county.name,
                p.get_level_display(),
                p.paid_on,
                p.document_number,
                p.amount,
                p.reason,
                person(p.recorded_by),
                p.recorded_at,
                _("已作废") if voided else _("有效"),
                p.void_reason,
            ]
        )
    return Sheet(
        name=_("拨付台账"),
        columns=columns,
        rows=rows,
        title=_("%(year)s年清洁取暖补助资金拨付台账") % {"year": plan.year},
        total_row=["", _("合计（不含已作废）"), "", "", "", total, "", "", "", "", ""],
        notes=[_("已作废的拨付保留在台账中，不计入合计。")],
    )


def payment_ledger_filename(*, plan) -> str:
    return _("%(year)s年补助资金拨付台账.xlsx") % {"year": plan.year}
