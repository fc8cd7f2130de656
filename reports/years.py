"""Year on year: per county × retrofit type and plan year, the target, what approved reports
completed by the year's last month, and the completion rate; the city's totals likewise.

The figures are the monthly bulletin's (``PUBLIC_SCOPE``: public city-wide), so every role that reads
reports sees every county. One ``progress_table`` per year (five queries each) plus one for the years:
the query count grows with the number of plan years only, never with counties or reports.
"""

from __future__ import annotations

from counties.models import PlanStatus
from counties.selectors import PUBLIC_SCOPE, plans_for_user
from reports.permissions import ProgressReaders
from reports.selectors import progress_table


def _figures(year: int, cell: dict) -> dict:
    return {"year": year, "target": cell["target"], "completed": cell["completed"], "rate": cell["rate"]}


def years_progress_for_user(*, user) -> dict:
    """Every published (or closed) year the user may see, oldest first; 403 for the field roles."""
    ProgressReaders.check(user)
    plans = list(plans_for_user(user=user).exclude(status=PlanStatus.DRAFT).order_by("year"))
    tables = [progress_table(plan=p, period=p.last_period, scope=PUBLIC_SCOPE) for p in plans]
    types: dict[str, object] = {}
    counties: dict[str, dict] = {}
    city_cells: list[dict] = []
    city_totals: list[dict] = []
    for plan, table in zip(plans, tables, strict=True):
        for t in table["types"]:
            types.setdefault(t.code, t)
        for row in table["rows"]:
            county = counties.setdefault(
                row["county"].code, {"county": row["county"], "order": row["county"].order, "cells": [], "totals": []}
            )
            for code, cell in row["types"].items():
                county["cells"].append({**_figures(plan.year, cell), "retrofit_type": code})
            county["totals"].append(_figures(plan.year, row["total"]))
        for code, cell in table["totals"]["types"].items():
            city_cells.append({**_figures(plan.year, cell), "retrofit_type": code})
        city_totals.append(_figures(plan.year, table["totals"]["total"]))
    rows = sorted(counties.values(), key=lambda r: (r["order"], r["county"].code))
    return {
        "years": [p.year for p in plans],
        "types": sorted(types.values(), key=lambda t: (t.order, t.code)),
        "rows": rows,
        "city": {"cells": city_cells, "totals": city_totals},
    }


def years_grid(data: dict) -> dict:
    """The page's table: one row per county (and the city), one column group per type and year."""
    years = data["years"]
    columns = [(t, year) for t in data["types"] for year in years]

    def line(cells, totals):
        by_key = {(c["retrofit_type"], c["year"]): c for c in cells}
        by_year = {c["year"]: c for c in totals}
        return {
            "cells": [by_key.get((t.code, year)) for t, year in columns],
            "totals": [by_year.get(year) for year in years],
        }

    return {
        "years": years,
        "types": data["types"],
        "columns": columns,
        "rows": [{"county": r["county"], **line(r["cells"], r["totals"])} for r in data["rows"]],
        "city": line(data["city"]["cells"], data["city"]["totals"]),
    }
