"""Report API. Follows the pattern in core/api.py: scoped get_queryset, writes via services."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import as_of_period_parameter
from counties.models import County
from counties.selectors import plan_get
from reports import services
from reports.models import ReportStatus
from reports.periods import clean_as_of_period, parse_period
from reports.selectors import progress_table, report_events_for_user, report_lines_for_user, reports_for_user
from reports.serializers import (
    ActionSerializer,
    ReasonSerializer,
    ReportCreateSerializer,
    ReportEventSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {code, detail, errors: {field.path: [messages]}}"),
    403: OpenApiResponse(description="Role may not do this"),
    404: OpenApiResponse(description="Not found or outside your scope"),
}
CONFLICT = {409: OpenApiResponse(description="Stale version: {code: conflict, detail, current_version}")}


PLAN_YEAR = re.compile(r"[1-9][0-9]{0,3}")
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        summary="Reports you may read",
        parameters=[
            OpenApiParameter(
                "plan",
                {"type": "integer", "minimum": 1, "maximum": 9999},
                description="plan year, e.g. 2021; empty is refused",
            ),
            OpenApiParameter("county", str, description="county code"),
            OpenApiParameter("period", {"type": "string", "pattern": PERIOD_PATTERN}, description="YYYY-MM"),
            OpenApiParameter("status", str, enum=ReportStatus.values),
        ],
    ),
    retrieve=extend_schema(summary="One report", responses={200: ReportSerializer, **ERRORS}),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    # ASCII digits only: the router's default ``[^/.]+`` let int() read "9\x85" (Unicode space) as 9.
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        user = self.request.user
        queryset = reports_for_user(user=user).prefetch_related(
            Prefetch("lines", queryset=report_lines_for_user(user=user), to_attr="visible_lines")
        )
        params = self.request.query_params
        if self.action == "list":
            if "plan" in params:
                if not PLAN_YEAR.fullmatch(params["plan"]):
                    raise DRFValidationError({"plan": [_("plan 应为年度，如 2021。")]})
                queryset = queryset.filter(plan__year=int(params["plan"]))
            if params.get("county"):
                queryset = queryset.filter(county__code=params["county"])
            if "period" in params:
                try:
                    year, month = parse_period(params["period"])
                except Exception as exc:
                    raise DRFValidationError({"period": list(getattr(exc, "messages", [str(exc)]))}) from None
                queryset = queryset.filter(period=f"{year}-{month:02d}")
            if "status" in params:
                if params["status"] not in ReportStatus.values:
                    raise DRFValidationError({"status": [_("status 应为 %(choices)s 之一。") % {"choices": ", ".join(ReportStatus.values)}]})
                queryset = queryset.filter(status=params["status"])
        return queryset.order_by("-period", "county__order", "department", "pk")

    def _respond(self, report, http_status=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=http_status)

    @extend_schema(
        request=ReportCreateSerializer, responses={201: ReportSerializer, **ERRORS}, summary="Create a draft"
    )
    def create(self, request):
        data = _valid(ReportCreateSerializer, request.data)
        plan = _plan_or_400(data["plan"])
        county = None
        if data.get("county"):
            county = County.objects.filter(code=data["county"]).first()
            if county is None:
                raise DRFValidationError({"county": [_("未找到该县（市、区），或您无权为其填报。")]})
        report = services.report_create(
            user=request.user,
            plan=plan,
            county=county,
            period=data["period"],
            lines=data.get("lines"),
            narrative=data.get("narrative", ""),
            problems=data.get("problems", ""),
        )
        return self._respond(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReportUpdateSerializer,
        responses={200: ReportSerializer, **ERRORS, **CONFLICT},
        summary="Edit a draft or returned report",
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()  # scope before validation: outside it, 404 whatever the body
        data = _valid(ReportUpdateSerializer, request.data)
        report = services.report_update(
            user=request.user,
            report=report,
            version=data["version"],
            lines=data.get("lines"),
            narrative=data.get("narrative"),
            problems=data.get("problems"),
        )
        return self._respond(report)

    @extend_schema(request=ActionSerializer, responses={200: ReportSerializer, **ERRORS, **CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        data = _valid(ActionSerializer, request.data)
        return self._respond(services.report_submit(user=request.user, report=report, version=data.get("version")))

    @extend_schema(request=ActionSerializer, responses={200: ReportSerializer, **ERRORS, **CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        data = _valid(ActionSerializer, request.data)
        return self._respond(services.report_approve(user=request.user, report=report, version=data.get("version")))

    @extend_schema(request=ReasonSerializer, responses={200: ReportSerializer, **ERRORS, **CONFLICT})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        data = _valid(ReasonSerializer, request.data)
        report = services.report_return(
            user=request.user, report=report, reason=data.get("reason"), version=data.get("version")
        )
        return self._respond(report)

    @extend_schema(request=ReasonSerializer, responses={200: ReportSerializer, **ERRORS, **CONFLICT})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        report = self.get_object()
        data = _valid(ReasonSerializer, request.data)
        report = services.report_reopen(
            user=request.user, report=report, reason=data.get("reason"), version=data.get("version")
        )
        return self._respond(report)

    @extend_schema(responses={200: ReportEventSerializer(many=True), **ERRORS}, summary="Audit trail of a report")
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        events = report_events_for_user(user=request.user, report=self.get_object())
        return Response(ReportEventSerializer(events, many=True).data)


def _plan_or_400(year):
    try:
        return plan_get(year=year)
    except Http404:
        raise DRFValidationError({"plan": [_("未找到 %(year)s 年度方案。") % {"year": year}]}) from None


def _number(value):
    """Counts as JSON integers; converted m² households (possibly fractional) as decimal strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def _cell_json(cell: dict) -> dict:
    out = {
        "target": cell["target"],
        "completed": _number(cell["completed"]),
        "pending": _number(cell["pending"]),
        "rate": None if cell["rate"] is None else str(cell["rate"]),
    }
    for key in ("target_m2", "completed_m2", "pending_m2"):
        if key in cell:
            out[key] = str(Decimal(cell[key]).quantize(Decimal("0.01")))
    return out


class ProgressView(APIView):
    """Progress against the annex: completed = approved reports up to the period; pending = submitted."""

    @extend_schema(
        parameters=[as_of_period_parameter("YYYY-MM, default the plan's last month")],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Progress per county and type",
    )
    def get(self, request, year: int):
        plan = plan_get(year=year)
        try:
            period = clean_as_of_period(request.query_params.get("period"), plan=plan)
        except Exception as exc:
            raise DRFValidationError({"period": list(getattr(exc, "messages", [str(exc)]))}) from None
        table = progress_table(user=request.user, plan=plan, period=period)
        return Response(
            {
                "plan": plan.year,
                "period": period,
                "rows": [
                    {
                        "county": row["county"].code,
                        "county_name": row["county"].name,
                        "types": {code: _cell_json(cell) for code, cell in row["types"].items()},
                        "total": _cell_json(row["total"]),
                    }
                    for row in table["rows"]
                ],
                "totals": {
                    "types": {code: _cell_json(cell) for code, cell in table["totals"]["types"].items()},
                    "total": _cell_json(table["totals"]["total"]),
                },
            }
        )
