"""Roster API (see core/api.py for the pattern and the error shape)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_response
from core.api_schema import as_of_period_parameter
from core.throttling import RosterImportThrottle, throttled_error
from counties.selectors import plan_get_for_user
from households import acceptance, importer, pii, roster_page, services
from households.filters import households_filtered
from households.permissions import ReadsRoster, RecordsPayment, SeesWholeIds, WritesRoster, api_rules
from households.selectors import (
    household_get_for_user,
    household_rows,
    households_for_user,
    payable_by_county,
    reconciliation,
    subsidy_rates_for_user,
)
from households.serializers import (
    AcceptanceOutcomeSerializer,
    AcceptanceSerializer,
    HouseholdPageSerializer,
    HouseholdPaymentResultSerializer,
    HouseholdPaymentSerializer,
    HouseholdRevealSerializer,
    HouseholdSerializer,
    ImportRequestSerializer,
    ReconciliationSerializer,
    RosterImportResultSerializer,
)
from households.views import export_response, template_response


def pii_error(exc) -> Response:
    """A key problem is the operator's to fix (503), named in English for the log and the operator."""
    code = "pii_key_missing" if isinstance(exc, pii.PiiKeyMissing) else "pii_unreadable"
    return error_response(code=code, detail=str(exc), http_status=503, key_id=exc.key_id)


def _dec(value):
    return None if value is None else format(value, "f")


def household_json(row) -> dict:
    return {
        "id": row["pk"],
        "county": row["county__code"],
        "county_name": row["county__name"],
        "township": row["township"],
        "village": row["village"],
        "head_name": row["head_name"],
        "id_number": row["id_number"],
        "phone": row["phone"],
        "retrofit_type": row["retrofit_type__code"],
        "area_class": row["area_class"],
        "area_m2": _dec(row["area_m2"]),
        "completed_on": row["completed_on"],
        "hardship": row["hardship"],
        "note": row["note"],
        "status": row["status"],
        "accepted_on": row["accepted_on"],
        "accepted_by": row["accepted_by"],
        "acceptance_result": row["acceptance_result"],
        # Absent for roles that may not read subsidies (subsidy_rates_for_user).
        **{key: _dec(row[key]) for key in ("subsidy_city", "subsidy_county") if key in row},
    }


FILTER_PARAMS = [
    OpenApiParameter("county", str, description="GB/T 2260 code"),
    OpenApiParameter("type", str, description="retrofit type code"),
    OpenApiParameter("status", str, description="registered | completed | accepted | paid"),
    OpenApiParameter(
        "hardship",
        str,
        enum=["", "poverty", "dibao", "wubao", "any"],
        description="困难类别: 建档立卡贫困户 poverty, 低保户 dibao, 五保户 wubao, any of them; empty: every household",
    ),
    OpenApiParameter(
        "q",
        str,
        description="name (starts with), township or village (starts with; contains from 3 characters), "
        "at most 1,000 households per column; whole ID number or phone (exact)",
    ),
]


def filtered(request, plan):
    return households_filtered(households_for_user(user=request.user, plan=plan), request.query_params)


LIST_PARAMS = [
    *FILTER_PARAMS,
    *(
        OpenApiParameter(p["name"], p["schema"], description=p["description"])
        for p in roster_page.RosterPagination().get_schema_operation_parameters(None)
    ),
]


class HouseholdListView(APIView):
    """The roster, scoped to the caller, ID numbers and phones masked for every role.

    Keyset (cursor) pages in the roster's order (county, township, village, id): follow ``next`` and
    ``previous``; a page costs the same at any depth. ``count`` is exact up to 10,000 households and
    null beyond (then ``count_exceeds`` is 10000): a province is not counted on every request.
    """

    permission_classes = api_rules(ReadsRoster)

    @extend_schema(
        parameters=LIST_PARAMS,
        responses=HouseholdPageSerializer,
        summary="Household roster",
        operation_id="plans_households_list",  # one object per page, not a list: name it as the list it is
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        rates = subsidy_rates_for_user(user=request.user, plan=plan)
        paginator = roster_page.RosterPagination()
        rows = paginator.paginate_queryset(
            filtered(request, plan),
            request,
            view=self,
            rows_of=lambda queryset: household_rows(queryset, whole_ids=False, rates=rates),
        )
        return paginator.get_paginated_response(HouseholdSerializer([household_json(r) for r in rows], many=True).data)


class HouseholdDetailView(APIView):
    permission_classes = api_rules(ReadsRoster)

    @extend_schema(responses=HouseholdSerializer, summary="One household")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        household = household_get_for_user(user=request.user, plan=plan, pk=pk)
        row = next(
            household_rows(
                households_for_user(user=request.user, plan=plan).filter(pk=household.pk),
                whole_ids=False,
                rates=subsidy_rates_for_user(user=request.user, plan=plan),
            )
        )
        return Response(HouseholdSerializer(household_json(row)).data)


class HouseholdRevealView(APIView):
    """“Show whole ID” for one household: its whole ID and phone number (city office, finance, admin; audited)."""

    permission_classes = api_rules(SeesWholeIds)

    @extend_schema(request=None, responses=HouseholdRevealSerializer, summary="Show one household's whole ID number")
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        try:
            revealed = services.household_reveal(user=request.user, plan=plan, pk=pk, request=request)
        except (pii.PiiKeyMissing, pii.PiiUnreadable) as exc:
            return pii_error(exc)
        body = {"id": revealed["household"].pk, "id_number": revealed["id_number"], "phone": revealed["phone"]}
        response = Response(HouseholdRevealSerializer(body).data)
        response["Cache-Control"] = "no-store"
        return response


class HouseholdTemplateView(APIView):
    permission_classes = api_rules(ReadsRoster)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    def get(self, request, year: int):
        plan_get_for_user(user=request.user, year=year)
        return template_response(request.user, year)


class HouseholdExportView(APIView):
    permission_classes = api_rules(ReadsRoster)

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
        summary="Roster export (xlsx, streamed; whole IDs for city office and finance only, audited)",
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        try:
            return export_response(request, plan, filtered(request, plan))
        except (pii.PiiKeyMissing, pii.PiiUnreadable) as exc:
            return pii_error(exc)


def import_result_json(result: services.ImportResult) -> dict:
    return {
        "mode": result.mode,
        "dry_run": result.dry_run,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "skipped_title_rows": result.skipped_title_rows,
        "preview": result.preview,  # area_m2 as the decimal string: RosterImportResultSerializer
    }


def problems_response(result: services.ImportResult) -> Response:
    errors: dict[str, list[str]] = {}
    for p in result.problems:
        errors.setdefault(f"file.{p.row}.{p.column}" if p.column else f"file.{p.row}", []).append(p.message)
    return error_response(
        code="invalid_rows",
        detail=_("发现 %(n)d 处问题，未导入任何数据。请修改后重新上传。") % {"n": len(result.problems)},
        http_status=status.HTTP_400_BAD_REQUEST,
        errors=errors,
        problems=[{"row": p.row, "column": p.column, "message": p.message} for p in result.problems],
        rows=result.rows,
    )


def run_import(request, year: int, data) -> Response:
    plan = plan_get_for_user(user=request.user, year=year)
    upload = data["file"]
    try:
        result = services.household_import(
            user=request.user,
            plan=plan,
            fileobj=upload,
            size=upload.size,
            mode=data["mode"],
            dry_run=data["dry_run"],
            county_code=data.get("county", ""),
            today=timezone.localdate(),
        )
    except importer.ImportFileError as exc:
        return error_response(code=exc.code, detail=exc.message, http_status=exc.http_status)
    if not result.ok:
        return problems_response(result)
    return Response(
        RosterImportResultSerializer(import_result_json(result)).data,
        status=status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED,
    )


class HouseholdImportView(APIView):
    """Import a roster (multipart ``file``: .xlsx, .xls or CSV in UTF-8/GB18030; ``mode`` create|update; ``dry_run``;
    ``county`` for the city office). The result carries ``skipped_title_rows`` (title rows above the header).

    Any problem: 400 with every problem per row and column, nothing written.
    """

    parser_classes = [MultiPartParser]  # a workbook upload: multipart only, as the schema says
    permission_classes = api_rules(WritesRoster)
    throttle_classes = [RosterImportThrottle]

    def throttled(self, request, wait):
        raise throttled_error(wait)

    @extend_schema(
        request=ImportRequestSerializer,
        responses={200: RosterImportResultSerializer, 201: RosterImportResultSerializer},
        summary="Import a roster",
    )
    def post(self, request, year: int):
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return run_import(request, year, serializer.validated_data)


class AcceptanceView(APIView):
    """Record acceptance (验收) for households (``households``: ids) or a village (``county``, ``township``, ``village``)."""

    permission_classes = api_rules(WritesRoster)

    @extend_schema(request=AcceptanceSerializer, responses=AcceptanceOutcomeSerializer, summary="Record acceptance")
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = AcceptanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = acceptance.households_accept(
            user=request.user,
            plan=plan,
            accepted_on=data["accepted_on"],
            accepted_by=data["accepted_by"],
            result=data["result"],
            household_ids=data["households"],
            county_code=data["county"],
            township=data["township"],
            village=data["village"],
        )
        body = {
            "accepted": outcome.accepted,
            "result": data["result"],
            "skipped": outcome.skipped_total,
            "skipped_by_reason": outcome.skipped,
            "detail": outcome.message(),
        }
        return Response(AcceptanceOutcomeSerializer(body).data)


class PaymentView(APIView):
    """Record that the subsidy of accepted households was paid (city office, finance)."""

    permission_classes = api_rules(RecordsPayment)

    @extend_schema(
        request=HouseholdPaymentSerializer, responses=HouseholdPaymentResultSerializer, summary="Record subsidy payment"
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = HouseholdPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.households_mark_paid(
            user=request.user,
            plan=plan,
            household_ids=serializer.validated_data["households"],
            paid_on=serializer.validated_data["paid_on"],
        )
        return Response(HouseholdPaymentResultSerializer({"paid": count}).data)


class ReconciliationView(APIView):
    """Approved monthly reports vs the roster, per county and type (households; m² for area types)."""

    permission_classes = api_rules(ReadsRoster)

    @extend_schema(
        parameters=[as_of_period_parameter("YYYY-MM; default the plan's last month")],
        responses=ReconciliationSerializer,
        summary="Reports vs roster reconciliation",
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        period = request.query_params.get("period") or None
        if period is not None and not importer_period_ok(period):
            return error_response(
                code="invalid",
                detail=_("月份应为 YYYY-MM 格式，如 2021-07。"),
                http_status=400,
                errors={"period": [_("月份应为 YYYY-MM 格式，如 2021-07。")]},
            )
        data = reconciliation(user=request.user, plan=plan, period=period)
        body = {"plan": plan.year, "period": data["period"], "rows": data["rows"], "differences": data["differences"]}
        payable = payable_by_county(user=request.user, plan=plan)
        if payable is not None:
            body["payable"] = payable
        return Response(ReconciliationSerializer(body).data)


def importer_period_ok(period: str) -> bool:
    from reports.models import PERIOD_VALIDATOR

    try:
        PERIOD_VALIDATOR(period)
    except Exception:
        return False
    return True
