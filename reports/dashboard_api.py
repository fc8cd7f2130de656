"""Progress exports: ``GET /api/v1/plans/<year>/progress/export.xlsx|csv?period=YYYY-MM``, and the
year-on-year comparison ``GET /api/v1/plans/years/progress/``.

Follows core/api.py: scoped through ``progress_table`` (a department gets its own
types), roles outside the dashboard's get 403, a bad month 400 in the one error shape.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import as_of_period_parameter
from core.exports import csv_response, xlsx_response
from counties.selectors import plan_get_for_user
from reports.api import ERRORS
from reports.exports import progress_export, progress_filename, progress_sheet
from reports.periods import clean_as_of_period
from reports.permissions import DashboardRoles, ProgressReaders
from reports.selectors import progress_table
from reports.serializers import YearsProgressSerializer
from reports.years import years_progress_for_user

PERIOD_PARAMETER = as_of_period_parameter("截至月份 YYYY-MM（默认方案最后一个月）")


def _table(request, year):
    DashboardRoles.check(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    try:
        period = clean_as_of_period(request.query_params.get("period"), plan=plan)
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from None
    return progress_table(user=request.user, plan=plan, period=period)


class ProgressExportXlsxView(APIView):
    @extend_schema(
        summary="进度表导出（xlsx，附件格式）",
        parameters=[PERIOD_PARAMETER],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    def get(self, request, year):
        table = _table(request, year)
        return xlsx_response(
            filename=progress_filename(plan=table["plan"], period=table["period"], extension="xlsx"),
            sheets=[progress_sheet(table=table)],
        )


class ProgressExportCsvView(APIView):
    @extend_schema(
        summary="进度表导出（CSV，UTF-8 带 BOM）",
        parameters=[PERIOD_PARAMETER],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, year):
        table = _table(request, year)
        data = progress_export(table)
        return csv_response(
            filename=progress_filename(plan=table["plan"], period=table["period"], extension="csv"),
            columns=data["columns"],
            rows=data["rows"],
            total_row=data["total_row"],
        )


class YearsProgressView(APIView):
    """Year on year, per county × retrofit type: target, completed (approved), rate; the city's totals.

    Every county for every role that reads reports (the bulletin's public figures); field roles 403.
    """

    permission_classes = [IsAuthenticated, ProgressReaders]

    @extend_schema(responses={200: YearsProgressSerializer, **ERRORS}, summary="各年度进度对比")
    def get(self, request):
        return Response(YearsProgressSerializer(years_progress_for_user(user=request.user)).data)
