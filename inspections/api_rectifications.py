"""Rectification (整改) API, per-county figures and the xlsx export of findings and rectifications."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_response
from counties.selectors import plan_get
from inspections import selectors, services
from inspections.api import photo_json
from inspections.models import RectificationStatus
from inspections.permissions import ClosesRectifications, ExportsInspections, ResolvesRectifications
from inspections.serializers import RectificationReasonSerializer, ResolveSerializer


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
    @extend_schema(
        parameters=[
            OpenApiParameter("county", str, description="GB/T 2260 code"),
            OpenApiParameter("status", str, enum=["", *RectificationStatus.values], description="empty: any"),
        ],
        responses={200: dict},
        operation_id="rectifications_list",
        summary="Rectifications (整改), scoped as reports are",
    )
    def get(self, request, year: int):
        plan = plan_get(year=year)
        items = selectors.rectifications_for_user(user=request.user, plan=plan).prefetch_related("photos")
        county = request.query_params.get("county", "")
        state = request.query_params.get("status", "")
        if state and state not in RectificationStatus.values:
            return error_response(
                code="invalid",
                detail=_("输入有误，请检查后重试。"),
                http_status=400,
                errors={"status": [_("状态应为 open、submitted、returned 或 closed。")]},
            )
        if county:
            items = items.filter(county__code=county)
        if state:
            items = items.filter(status=state)
        today = timezone.localdate()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response([rectification_json(r, year, today) for r in page])


class RectificationDetailView(APIView):
    @extend_schema(responses={200: dict}, summary="One rectification")
    def get(self, request, year: int, pk: int):
        plan = plan_get(year=year)
        item = selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        return Response(rectification_json(item, year))


class RectificationResolveView(APIView):
    parser_classes = [MultiPartParser]  # photos: multipart only, as the schema says

    @extend_schema(
        request={"multipart/form-data": ResolveSerializer},
        responses={200: dict},
        summary="County clerk: record what was done and submit",
    )
    def post(self, request, year: int, pk: int):
        plan = plan_get(year=year)
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
        return Response(rectification_json(item, year))


class RectificationCloseView(APIView):
    @extend_schema(request=None, responses={200: dict}, summary="City office: close (销号) after a re-visit")
    def post(self, request, year: int, pk: int):
        plan = plan_get(year=year)
        selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        item = services.rectification_close(user=request.user, plan=plan, pk=pk)
        return Response(rectification_json(item, year))


class RectificationReturnView(APIView):
    @extend_schema(request=RectificationReasonSerializer, responses={200: dict}, summary="City office: send back with a reason")
    def post(self, request, year: int, pk: int):
        plan = plan_get(year=year)
        selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
        ClosesRectifications.check(request.user)
        serializer = RectificationReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.rectification_return(
            user=request.user, plan=plan, pk=pk, reason=serializer.validated_data["reason"]
        )
        return Response(rectification_json(item, year))


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
    @extend_schema(responses={200: dict}, summary="Per county: sampled, visited, finding rates, rectifications")
    def get(self, request, year: int):
        plan = plan_get(year=year)
        return Response(
            {"plan": plan.year, "rows": summary_json(selectors.inspection_summary(user=request.user, plan=plan))}
        )


class InspectionExportView(APIView):
    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
        summary="Findings and rectifications (xlsx)",
    )
    def get(self, request, year: int):
        from inspections.exports import export_response

        plan = plan_get(year=year)
        ExportsInspections.check(request.user)
        return export_response(user=request.user, plan=plan)
