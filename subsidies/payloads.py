"""The JSON the subsidy API answers with, built from the selectors' tables: field names and money as
strings with two places, in one module beside the arithmetic rather than in it."""

from __future__ import annotations

from decimal import Decimal

from subsidies.models import Settlement
from subsidies.selectors import CENT, Share, money_str


def _units_str(value) -> int | str:
    return value if isinstance(value, int) else format(Decimal(value).quantize(CENT), "f")


def _periods_up_to(runs, period: str) -> list[dict]:
    """A line's rate periods over the months that count as of ``period`` (the last one ends there)."""
    return [
        {"start": run.start, "end": min(run.end, period), "amount": money_str(run.amount)}
        for run in (runs or [])
        if run.start <= period
    ]


def subsidy_payload(table: dict) -> dict:
    """The API (and settlement) shape of a subsidy table: money as strings with 2 places."""

    def share_dict(share: Share) -> dict:
        return {
            "units": _units_str(share.units),
            "city_share": money_str(share.city),
            "county_share": money_str(share.county),
        }

    return {
        "plan": table["plan"].year,
        "period": table["period"],
        "types": [
            {
                "code": info["type"].code,
                "name": info["type"].name,
                "unit": info["type"].unit,
                "has_rule": info["has_rule"],
                "rates": {
                    ac: {lvl: (money_str(rate) if rate is not None else None) for lvl, rate in by_level.items()}
                    for ac, by_level in info["rates"].items()
                },
                "rate_periods": {
                    ac: {lvl: _periods_up_to(runs, table["period"]) for lvl, runs in by_level.items()}
                    for ac, by_level in info["runs"].items()
                },
            }
            for info in table["types"]
        ],
        "rows": [
            {
                "county": row["county"].code,
                "county_name": row["county"].name,
                "city_share": money_str(row["city_share"]),
                "county_share": money_str(row["county_share"]),
                "total": money_str(row["total"]),
                "by_type": {
                    code: {ac: share_dict(share) for ac, share in cells.items()}
                    for code, cells in row["by_type"].items()
                },
            }
            for row in table["rows"]
        ],
        "by_type": {
            code: {ac: share_dict(share) for ac, share in cells.items()} for code, cells in table["by_type"].items()
        },
        "totals": {key: money_str(value) for key, value in table["totals"].items()},
    }


def grid_payload(grid: dict, investments) -> dict:
    """The API shape; ``allocated``/``unallocated`` only for callers who see every county."""
    city_wide = {key: money_str(grid[key]) for key in ("allocated", "unallocated") if grid[key] is not None}
    return {
        "rate": format(grid["rate"], "f"),
        "city_total": money_str(grid["city_total"]),
        **city_wide,
        "rows": [
            {
                "county": r["county"].code,
                "county_name": r["county"].name,
                "invested": money_str(r["invested"]),
                "county_support": money_str(r["county_support"]),
                "city_allocated": money_str(r["city_allocated"]),
            }
            for r in grid["rows"]
        ],
        "totals": {key: money_str(value) for key, value in grid["totals"].items()},
        "investments": [
            {
                "id": i.pk,
                "county": i.county.code,
                "project": i.project,
                "amount": money_str(i.amount),
                "invested_on": i.invested_on.isoformat(),
                "recorded_by": i.recorded_by.username,
                "recorded_at": i.recorded_at.isoformat(),
                **void_payload(i),
            }
            for i in investments
        ],
    }


def void_payload(entry) -> dict:
    """The void fields of a payment or an investment, as the API shows them."""
    return {
        "voided": entry.voided_at is not None,
        "voided_at": entry.voided_at.isoformat() if entry.voided_at else None,
        "voided_by": entry.voided_by.username if entry.voided_by_id else None,
        "void_reason": entry.void_reason,
    }


def payments_payload(result: dict, payments) -> dict:
    return {
        "period": result["period"],
        "rows": [
            {
                "county": r["county"].code,
                "county_name": r["county"].name,
                "levels": {lvl: {k: money_str(v) for k, v in cell.items()} for lvl, cell in r["levels"].items()},
            }
            for r in result["rows"]
        ],
        "totals": {lvl: {k: money_str(v) for k, v in cell.items()} for lvl, cell in result["totals"].items()},
        "payments": [
            {
                "id": p.pk,
                "county": p.county.code,
                "level": p.level,
                "paid_on": p.paid_on.isoformat(),
                "document_number": p.document_number,
                "amount": money_str(p.amount),
                "reason": p.reason,
                "recorded_by": p.recorded_by.username,
                "recorded_at": p.recorded_at.isoformat(),
                **void_payload(p),
            }
            for p in payments
        ],
    }


def settlement_payload(settlement: Settlement, *, with_figures: bool = False) -> dict:
    body = {
        "id": settlement.pk,
        "plan": settlement.figures.get("plan"),
        "period": settlement.period,
        "sha256": settlement.sha256,
        "created_by": settlement.created_by.username,
        "created_at": settlement.created_at.isoformat(),
        "superseded_by": settlement.superseded_by_id,
        "current": settlement.superseded_by_id is None,
        "note": settlement.note,
        "totals": settlement.figures.get("totals"),
    }
    if with_figures:
        body["figures"] = settlement.figures
    return body


def rate_periods_payload(periods) -> list[dict]:
    return [{"start": p.start, "end": p.end, "amount": money_str(p.amount)} for p in periods]


def rule_payload(rule, changes, periods) -> dict:
    return {
        "id": rule.pk,
        "type": rule.retrofit_type.code,
        "type_name": rule.retrofit_type.name,
        "area_class": rule.area_class,
        "level": rule.level,
        "amount": money_str(rule.amount),
        "unit": rule.retrofit_type.unit,
        "periods": rate_periods_payload(periods),
        "changes": [
            {
                "changed_by": c.changed_by.username if c.changed_by is not None else None,
                "changed_at": c.changed_at.isoformat(),
                "old_amount": money_str(c.old_amount),
                "new_amount": money_str(c.new_amount),
                "effective_from": c.effective_from,
                "reason": c.reason,
            }
            for c in changes
        ],
    }


def rules_payload(plan, rules, changes, periods) -> dict:
    """Every rule with its rate periods (``periods``: rule id -> periods) and its own changes
    (``changes``: every change of the plan's rules)."""
    by_rule: dict[int, list] = {}
    for change in changes:
        by_rule.setdefault(change.rule_id, []).append(change)
    return {"plan": plan.year, "rules": [rule_payload(r, by_rule.get(r.pk, []), periods.get(r.pk, [])) for r in rules]}
