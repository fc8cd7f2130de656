from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.selectors import plan_get, plan_target_table
from counties.serializers import TargetsSerializer


def decimal_str(value) -> str:
    return format(value.normalize() if value == value.to_integral() else value, "f")


class PlanTargetsView(APIView):
    """The plan's annex target table (public to every signed-in role: the plan is published)."""

    @extend_schema(responses=TargetsSerializer, summary="Annex target table of a plan")
    def get(self, request, year: int):
        plan = plan_get(year=year)
        table = plan_target_table(plan=plan)
        rows = [
            {
                "county": row["county"],
                "county_name": row["county_name"],
                "targets": row["targets"],
                "area_m2": {code: decimal_str(value) for code, value in row["area_m2"].items()},
                "total": row["total"],
            }
            for row in table["rows"]
        ]
        totals = dict(table["totals"])
        totals["area_m2"] = {code: decimal_str(value) for code, value in table["area_totals"].items()}
        return Response({"plan": plan.year, "rows": rows, "totals": totals})
