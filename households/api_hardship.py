"""API of the hardship households (困难群众) and their county's guarantee (兜底): households/hardship.py."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.selectors import plan_get_for_user
from households import hardship
from households.permissions import ReadsHardship, RecordsGuarantee, api_rules
from households.serializers import HardshipGuaranteeInputSerializer, HardshipSummarySerializer


def _summary(request, plan) -> Response:
    return Response(HardshipSummarySerializer(hardship.hardship_summary_for_user(user=request.user, plan=plan)).data)


class HardshipView(APIView):
    permission_classes = api_rules(ReadsHardship)

    @extend_schema(
        responses=HardshipSummarySerializer,
        summary="Hardship households per county: on the roster, converted, accepted; the guarantee due and paid",
    )
    def get(self, request, year: int):
        return _summary(request, plan_get_for_user(user=request.user, year=year))


class HardshipGuaranteeView(APIView):
    permission_classes = api_rules(RecordsGuarantee, ReadsHardship)

    @extend_schema(
        request=HardshipGuaranteeInputSerializer,
        responses=HardshipSummarySerializer,
        summary="Record a county's guarantee for its hardship households (its clerk, or the city office)",
    )
    def put(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        # Scope before validation: another county's code is a 404 whatever the rest of the body.
        code = request.data.get("county") if hasattr(request.data, "get") else None
        county = hardship.hardship_counties_for_user(user=request.user, plan=plan).filter(code=str(code or "")).first()
        if county is None and code:
            raise Http404
        serializer = HardshipGuaranteeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("county")
        if county is None:  # a county given as something else than its code, e.g. the number 0
            raise Http404
        hardship.hardship_guarantee_set(plan=plan, county=county, actor=request.user, **data)
        return _summary(request, plan)
