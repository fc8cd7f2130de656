"""Background roster exports through the API (households/roster_jobs.py; the page is households/export_views.py)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.selectors import plan_get_for_user
from households import roster_jobs, tasks
from households.export_views import export_file_response
from households.models import ExportStatus
from households.permissions import ReadsRoster, api_rules


class ExportRequestSerializer(serializers.Serializer):
    county = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    type = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    status = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


class ExportStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True, help_text="null until the task has counted the rows")
    percent = serializers.IntegerField()
    status_url = serializers.CharField()
    download_url = serializers.CharField(
        allow_null=True, help_text="set once the file is ready; null again once downloaded (the file is deleted)"
    )
    error = serializers.CharField(
        allow_null=True, help_text="what went wrong for a failed export, e.g. 导出中断，请重新导出 (its worker died)"
    )


def export_json(export, year: int) -> dict:
    ready = roster_jobs.export_file_path(export) is not None
    return {
        "id": export.pk,
        "status": export.status,
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "percent": roster_jobs.export_percent(export),
        "status_url": reverse("api-households-export-job", kwargs={"year": year, "pk": export.pk}),
        "download_url": reverse("api-households-export-job-download", kwargs={"year": year, "pk": export.pk})
        if ready
        else None,
        "error": roster_jobs.export_error_message(export),
    }


class ExportJobStartView(APIView):
    """Start a background export of the roster as you see it (the list's filters); poll ``status_url``."""

    permission_classes = api_rules(ReadsRoster)

    @extend_schema(
        request=ExportRequestSerializer,
        responses={202: ExportStateSerializer},
        summary="Start a background roster export (xlsx; whole IDs for city office and finance, audited)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        export = tasks.roster_export_start(user=request.user, plan=plan, filters=serializer.validated_data)
        return Response(ExportStateSerializer(export_json(export, plan.year)).data, status=status.HTTP_202_ACCEPTED)


class ExportJobView(APIView):
    permission_classes = api_rules(ReadsRoster)

    @extend_schema(responses=ExportStateSerializer, summary="A background roster export's progress (yours only)")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        export = roster_jobs.roster_export_get_for_user(user=request.user, plan=plan, pk=pk)
        return Response(ExportStateSerializer(export_json(export, plan.year)).data)


class ExportJobDownloadView(APIView):
    permission_classes = api_rules(ReadsRoster)

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
        summary="Download a finished background roster export (yours only; deleted once downloaded or after ROSTER_EXPORT_KEEP_MINUTES)",
    )
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        export = roster_jobs.roster_export_get_for_user(user=request.user, plan=plan, pk=pk)
        return export_file_response(export, plan)
