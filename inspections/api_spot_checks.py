"""Spot-check API (抽查): the desk-entered checks and the per-county findings, which are the
inspections' figures (a desk check's households are visits of kind inspection)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import StrictPageNumberPagination
from counties.selectors import plan_get_for_user
from households.permissions import ReadsRoster, WritesRoster
from inspections.permissions import api_rules
from inspections.selectors import check_batches_for_user, spot_check_summary
from inspections.serializers_spot_checks import (
    SpotCheckCreatedSerializer,
    SpotCheckOutSerializer,
    SpotCheckPageSerializer,
    SpotCheckSerializer,
    SpotCheckSummarySerializer,
)
from inspections.services_spot_checks import spot_check_record


def summary_json(summary) -> list[dict]:
    """Rates as strings of 4 places, as every rate of the API."""
    return [
        {
            "county": row["county"],
            "checked": row["checked"],
            "findings": {
                code: {"count": value["count"], "rate": format(value["rate"], "f")}
                for code, value in row["findings"].items()
            },
        }
        for row in summary
    ]


class SpotCheckListView(APIView):
    permission_classes = api_rules(ReadsRoster, writes=WritesRoster)

    @extend_schema(responses={200: SpotCheckPageSerializer}, summary="Spot-check visits")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        paginator = StrictPageNumberPagination()
        batches = paginator.paginate_queryset(check_batches_for_user(user=request.user, plan=plan), request, view=self)
        return paginator.get_paginated_response(SpotCheckOutSerializer(batches, many=True).data)

    @extend_schema(
        request=SpotCheckSerializer, responses={201: SpotCheckCreatedSerializer}, summary="Record a spot-check visit"
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = SpotCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = spot_check_record(
            user=request.user,
            plan=plan,
            county_code=data["county"],
            checked_on=data["checked_on"],
            inspector=data["inspector"],
            note=data["note"],
            items=[dict(item) for item in data["items"]],
        )
        body = SpotCheckCreatedSerializer({"id": batch.pk, "items": batch.visits.count()}).data
        return Response(body, status=status.HTTP_201_CREATED)


class SpotCheckSummaryView(APIView):
    permission_classes = api_rules(ReadsRoster)

    @extend_schema(responses={200: SpotCheckSummarySerializer}, summary="Spot-check findings per county")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        rows = summary_json(spot_check_summary(user=request.user, plan=plan))
        return Response(SpotCheckSummarySerializer({"plan": plan.year, "rows": rows}).data)
