from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.selectors import plan_get_for_user, plan_target_table
from counties.serializers import TargetsSerializer


class PlanTargetsView(APIView):
    """The plan's annex target table (public to every signed-in role: the plan is published)."""

    @extend_schema(responses=TargetsSerializer, summary="Annex target table of a plan")
    def get(self, request, year: int):
        return Response(TargetsSerializer(plan_target_table(plan=plan_get_for_user(user=request.user, year=year))).data)
