"""Report API. Follows the pattern in core/api.py: scoped get_queryset, writes via services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import as_of_period_parameter
from counties.selectors import counties_for_user, plan_get_for_user
from reports import services
from reports.filters import ReportFilter
from reports.periods import clean_as_of_period
from reports.selectors import progress_table, report_events_for_user, report_lines_for_user, reports_for_user
from reports.serializers import (
    ActionSerializer,
    ProgressSerializer,
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


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="Reports you may read"),
    retrieve=extend_schema(summary="One report", responses={200: ReportSerializer, **ERRORS}),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter
    # ASCII digits only: the router's default ``[^/.]+`` let int() read "9\x85" (Unicode space) as 9.
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        user = self.request.user
        queryset = reports_for_user(user=user).prefetch_related(
            Prefetch("lines", queryset=report_lines_for_user(user=user), to_attr="visible_lines")
        )
        return queryset.order_by("-period", "county__order", "department", "pk")

    def filter_queryset(self, queryset):
        # The list's parameters narrow the list only: one report (and every action on it) ignores them,
        # as it always has (get_object would otherwise filter, and refuse ``?status=x``, too).
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _respond(self, report, http_status=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=http_status)

    @extend_schema(
        request=ReportCreateSerializer, responses={201: ReportSerializer, **ERRORS}, summary="Create a draft"
    )
    def create(self, request):
        data = _valid(ReportCreateSerializer, request.data)
        plan = _plan_or_400(request, data["plan"])
        county = None
        if data.get("county"):
            # Looked up within the caller's scope: another county's code reads as unknown, as the service says.
            county = counties_for_user(user=request.user).filter(code=data["county"]).first()
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


def _plan_or_400(request, year):
    try:
        return plan_get_for_user(user=request.user, year=year)
    except Http404:
        raise DRFValidationError({"plan": [_("未找到 %(year)s 年度方案。") % {"year": year}]}) from None


class ProgressView(APIView):
    """Progress against the annex: completed = approved reports up to the period; pending = submitted."""

    @extend_schema(
        parameters=[as_of_period_parameter("YYYY-MM, default the plan's last month")],
        responses={200: ProgressSerializer, **ERRORS},
        summary="Progress per county and type",
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        try:
            period = clean_as_of_period(request.query_params.get("period"), plan=plan)
        except Exception as exc:
            raise DRFValidationError({"period": list(getattr(exc, "messages", [str(exc)]))}) from None
        table = progress_table(user=request.user, plan=plan, period=period)
        return Response(ProgressSerializer(table).data)
