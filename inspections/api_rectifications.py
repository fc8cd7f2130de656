"""Rectification (整改) API, per-county figures and the xlsx export of findings and rectifications."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.selectors import plan_get_for_user
from inspections import selectors, services
from inspections.api import photo_json
from inspections.filters import rectifications_filtered
from inspections.models import RectificationStatus
from inspections.permissions import (
    ClosesRectifications,
    ExportsInspections,
    ReadsRectifications,
    ReadsSummary,
    ResolvesRectifications,
    api_rules,
)
from inspections.serializers import (
    InspectionSummarySerializer,
    RectificationPageSerializer,
    RectificationReasonSerializer,
    RectificationSerializer,
    ResolveSerializer,
)


def rectification_json(item, year: int, today=None) -> dict:
    household = item.household
    return {
        "id": item.pk,
        "county": item.county.code,
        "county_name": item.county.name,
        "household": household.pk,
        "township": household.township,
        "village": household.village,
        "head_name": household.head_name,
        "id_number": household.id_number_masked,
        "visit": item.visit_id,
        "finding": item.finding,
        "status": item.status,
        "deadline": item.deadline,
        "overdue": selectors.is_overdue(item, today),
        "opened_at": item.opened_at,
        "resolution_note": item.resolution_note,
        "resolved_at": item.resolved_at,
        "return_reason": item.return_reason,
        "closed_at": item.closed_at,
        "photos": [photo_json(p, year) for p in item.photos.all()],
    }


class RectificationListView(APIView):
    permission_classes = api_rules(ReadsRectifications)

    @extend_schema(
        parameters=[
            OpenApiParameter("county", str, description="GB/T 2260 code"),
            OpenApiParameter("status", str, enum=["", *RectificationStatus.values], description="empty: any"),
        ],
        responses=RectificationPageSerializer,
        operation_id="rectifications_list",
        summary="Rectifications (整改), scoped as reports are",
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        items = selectors.rectifications_for_user(user=request.user, plan=plan).prefetch_related("photos")
        items = rectifications_filtered(items, request.query_params)
        today = timezone.localdate()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        response = paginator.get_paginated_response([rectification_json(r, year, today) for r in page])
        response.data = RectificationPageSerializer(response.data).data
        return response


def rectification_response(item, year: int) -> Response:
    return Response(RectificationSerializer(rectification_json(item, year)).data)


class RectificationDetailView(APIView):
    permission_classes = api_rules(ReadsRectifications)

    @extend_schema(responses=RectificationSerializer, summary="One rectification")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        item = selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        return rectification_response(item, year)


class RectificationResolveView(APIView):
    parser_classes = [MultiPartParser]  # photos: multipart only, as the schema says
    # Readers in permission_classes; the resolver's rule after the scoped lookup: outside scope is 404, never 403.
    permission_classes = api_rules(ReadsRectifications)

    @extend_schema(
        request={"multipart/form-data": ResolveSerializer},
        responses=RectificationSerializer,
        summary="County clerk: record what was done and submit",
    )
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        ResolvesRectifications.check(request.user)
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.rectification_resolve(
            user=request.user,
            plan=plan,
            pk=pk,
            note=serializer.validated_data["note"],
            photos=serializer.validated_data["photos"],
        )
        return rectification_response(item, year)


class RectificationCloseView(APIView):
    permission_classes = api_rules(ReadsRectifications)

    @extend_schema(
        request=None, responses=RectificationSerializer, summary="City office: close (销号) after a re-visit"
    )
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        ClosesRectifications.check(request.user)  # after the scoped lookup: outside scope is 404, never 403
        item = services.rectification_close(user=request.user, plan=plan, pk=pk)
        return rectification_response(item, year)


class RectificationReturnView(APIView):
    permission_classes = api_rules(ReadsRectifications)

    @extend_schema(
        request=RectificationReasonSerializer,
        responses=RectificationSerializer,
        summary="City office: send back with a reason",
    )
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        ClosesRectifications.check(request.user)
        serializer = RectificationReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.rectification_return(
            user=request.user, plan=plan, pk=pk, reason=serializer.validated_data["reason"]
        )
        return rectification_response(item, year)


def summary_json(rows) -> list[dict]:
    return [
        {
            "county": r["county"].code,
            "county_name": r["county"].name,
            "sampled": r["sampled"],
            "visited": r["visited"],
            "findings": {
                code: {"count": v["count"], "rate": None if v["rate"] is None else format(v["rate"], "f")}
                for code, v in r["findings"].items()
            },
            "rectifications": {"open": r["rect_open"], "overdue": r["rect_overdue"], "closed": r["rect_closed"]},
        }
        for r in rows
    ]


class InspectionSummaryView(APIView):
    permission_classes = api_rules(ReadsSummary)

    @extend_schema(
        responses=InspectionSummarySerializer, summary="Per county: sampled, visited, finding rates, rectifications"
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        rows = summary_json(selectors.inspection_summary(user=request.user, plan=plan))
        return Response(InspectionSummarySerializer({"plan": plan.year, "rows": rows}).data)


class InspectionExportView(APIView):
    permission_classes = api_rules(ExportsInspections)

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
        summary="Findings and rectifications (xlsx)",
    )
    def get(self, request, year: int):
        from inspections.exports import export_response

        plan = plan_get_for_user(user=request.user, year=year)
        return export_response(user=request.user, plan=plan)
