"""Subsidy API (see core/api.py for the pattern: scoped selectors, services, one error shape).

Read: finance bureau, city office, administrators (every county); county clerks (their own county).
Departments and users without a role: 403. Writes: see each view. Every role rule is a class of
subsidies.permissions in ``permission_classes`` (or checked after a scoped lookup, so that outside the
caller's scope is 404); every answer renders through its output serializer (subsidies.serializers).
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import AnyAccept
from core.api_schema import as_of_period_parameter
from core.exports import csv_response, xlsx_response
from counties.plan_life import plan_require_writable
from counties.selectors import plan_get_for_user
from subsidies import payloads, rates, selectors, services
from subsidies.exports import (
    export_filename,
    payment_ledger_filename,
    payment_ledger_sheet,
    settlement_filename,
    subsidy_sheets,
    summary_columns,
    summary_rows,
)
from subsidies.permissions import (
    FinanceOnly,
    FinanceWrites,
    GridInvestmentVoiders,
    GridInvestors,
    RuleEditors,
    SettlementReaders,
    SubsidyReaders,
    api_rules,
)
from subsidies.serializers import (
    GridAllocationSerializer,
    GridInvestmentSerializer,
    GridSerializer,
    PaymentSerializer,
    PaymentsSerializer,
    RuleSerializer,
    RulesSerializer,
    RuleUpdateSerializer,
    SettlementCreateSerializer,
    SettlementSerializer,
    SettlementsSerializer,
    SubsidyTableSerializer,
    VoidSerializer,
)

PERIOD_PARAM = as_of_period_parameter("as-of month YYYY-MM inside the plan (default: current or last month)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _live_payload(request, year) -> dict:
    plan = plan_get_for_user(user=request.user, year=year)
    period = selectors.period_parse(plan=plan, value=request.query_params.get("period"))
    return payloads.subsidy_payload(selectors.subsidy_table_for_user(user=request.user, plan=plan, period=period))


class SubsidyTableView(APIView):
    permission_classes = api_rules(SubsidyReaders)

    @extend_schema(
        parameters=[PERIOD_PARAM],
        responses=SubsidyTableSerializer,
        summary="Subsidies due per county, type, area class and paying level as of a month",
    )
    def get(self, request, year: int):
        return Response(SubsidyTableSerializer(_live_payload(request, year)).data)


class SubsidyExportXlsxView(APIView):
    permission_classes = api_rules(SubsidyReaders)
    content_negotiation_class = AnyAccept

    @extend_schema(parameters=[PERIOD_PARAM], responses={(200, XLSX): OpenApiTypes.BINARY}, summary="Subsidy workbook")
    def get(self, request, year: int):
        payload = _live_payload(request, year)
        return xlsx_response(filename=export_filename(payload, "xlsx"), sheets=subsidy_sheets(payload))


class PaymentLedgerExportView(APIView):
    permission_classes = api_rules(SubsidyReaders)
    content_negotiation_class = AnyAccept

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, summary="拨付台账（xlsx）")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        payments = selectors.payments_for_user(user=request.user, plan=plan).order_by(
            "county__order", "level", "paid_on", "pk"
        )
        return xlsx_response(
            filename=payment_ledger_filename(plan=plan), sheets=[payment_ledger_sheet(plan=plan, payments=payments)]
        )


class SubsidyExportCsvView(APIView):
    permission_classes = api_rules(SubsidyReaders)
    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[PERIOD_PARAM], responses={(200, "text/csv"): OpenApiTypes.STR}, summary="Subsidy summary CSV"
    )
    def get(self, request, year: int):
        payload = _live_payload(request, year)
        columns, _groups = summary_columns(payload)
        rows, total = summary_rows(payload)
        return csv_response(filename=export_filename(payload, "csv"), columns=columns, rows=rows, total_row=total)


class SubsidyRulesView(APIView):
    permission_classes = api_rules(SubsidyReaders)

    @extend_schema(responses=RulesSerializer, summary="The plan's subsidy rules with their change history")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        rules = selectors.subsidy_rules_for_user(user=request.user, plan=plan)
        changes = selectors.rule_changes_for_user(user=request.user, plan=plan)
        periods = rates.rule_periods(plan=plan)
        return Response(RulesSerializer(payloads.rules_payload(plan, rules, changes, periods)).data)


class SubsidyRuleView(APIView):
    permission_classes = api_rules(RuleEditors, SubsidyReaders)

    @extend_schema(
        request=RuleUpdateSerializer,
        responses=RuleSerializer,
        summary="Change a rule's rate from a month of the plan on (finance bureau or city office; audited)",
    )
    def patch(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        rule = selectors.subsidy_rule_get_for_user(user=request.user, plan=plan, pk=pk)
        # A closed year answers 409 whatever the body (the state of the year before the shape of the change).
        plan_require_writable(plan=plan)
        serializer = RuleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.subsidy_rule_update(rule=rule, actor=request.user, **serializer.validated_data)
        changes = list(rule.changes.select_related("changed_by"))
        periods = rates.rule_periods_of(rule=rule, plan=plan)
        return Response(RuleSerializer(payloads.rule_payload(rule, changes, periods)).data)


def _grid_response(request, plan, http_status=status.HTTP_200_OK):
    grid = selectors.grid_summary_for_user(user=request.user, plan=plan)
    investments = selectors.grid_investments_for_user(user=request.user, plan=plan)
    return Response(GridSerializer(payloads.grid_payload(grid, investments)).data, status=http_status)


class GridView(APIView):
    permission_classes = api_rules(SubsidyReaders)

    @extend_schema(responses=GridSerializer, summary="Grid support: investments, county support due, city allocation")
    def get(self, request, year: int):
        return _grid_response(request, plan_get_for_user(user=request.user, year=year))


class GridInvestmentsView(APIView):
    permission_classes = api_rules(GridInvestors, SubsidyReaders)

    @extend_schema(
        request=GridInvestmentSerializer,
        responses={201: GridSerializer},
        summary="Record a grid investment (the county's clerk, or the finance bureau)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = GridInvestmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        county = selectors.subsidy_county_get_for_user(user=request.user, plan=plan, code=data.pop("county"))
        services.grid_investment_record(plan=plan, county=county, actor=request.user, **data)
        return _grid_response(request, plan, status.HTTP_201_CREATED)


class GridAllocationsView(APIView):
    permission_classes = api_rules(FinanceOnly, SubsidyReaders)

    @extend_schema(
        request=GridAllocationSerializer,
        responses=GridSerializer,
        summary="Set a county's share of the city grid support (finance bureau; never above the total)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = GridAllocationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        county = selectors.subsidy_county_get_for_user(
            user=request.user, plan=plan, code=serializer.validated_data["county"]
        )
        services.grid_allocation_set(
            plan=plan, county=county, amount=serializer.validated_data["amount"], actor=request.user
        )
        return _grid_response(request, plan)


class GridInvestmentVoidView(APIView):
    permission_classes = api_rules(SubsidyReaders)

    @extend_schema(
        request=VoidSerializer,
        responses=GridSerializer,
        summary="Void a mistaken grid investment (finance bureau, or the clerk of its county; reason required)",
    )
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        investment = selectors.grid_investment_get_for_user(user=request.user, plan=plan, pk=pk)
        # After the scoped lookup, not in permission_classes: outside the caller's scope is 404, never 403.
        GridInvestmentVoiders.check(request.user)
        serializer = VoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.grid_investment_void(
            investment=investment, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return _grid_response(request, plan)


def _payments_response(request, plan, period, http_status=status.HTTP_200_OK):
    counties = list(selectors.subsidy_counties_for_user(user=request.user, plan=plan))
    result = selectors.payment_compute(plan=plan, period=period, counties=counties)
    payments = selectors.payments_for_user(user=request.user, plan=plan)
    return Response(PaymentsSerializer(payloads.payments_payload(result, payments)).data, status=http_status)


class PaymentsView(APIView):
    permission_classes = api_rules(FinanceWrites, SubsidyReaders)

    @extend_schema(
        parameters=[PERIOD_PARAM], responses=PaymentsSerializer, summary="Due vs paid vs outstanding, and payments"
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        period = selectors.period_parse(plan=plan, value=request.query_params.get("period"))
        return _payments_response(request, plan, period)

    @extend_schema(
        request=PaymentSerializer,
        responses={201: PaymentsSerializer},
        summary="Record a disbursement (finance bureau; above the outstanding amount only with a reason)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = PaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        county = selectors.subsidy_county_get_for_user(user=request.user, plan=plan, code=data.pop("county"))
        services.payment_record(plan=plan, county=county, actor=request.user, **data)
        return _payments_response(request, plan, plan.periods()[-1], status.HTTP_201_CREATED)


class PaymentVoidView(APIView):
    permission_classes = api_rules(SubsidyReaders)

    @extend_schema(
        request=VoidSerializer,
        responses=PaymentsSerializer,
        summary="Void a mistaken disbursement (finance bureau; reason required)",
    )
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        payment = selectors.payment_get_for_user(user=request.user, plan=plan, pk=pk)
        # After the scoped lookup, not in permission_classes: outside the caller's scope is 404, never 403.
        FinanceOnly.check(request.user)
        serializer = VoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.payment_void(payment=payment, actor=request.user, reason=serializer.validated_data["reason"])
        return _payments_response(request, plan, plan.periods()[-1])


class SettlementsView(APIView):
    permission_classes = api_rules(FinanceWrites, SubsidyReaders, SettlementReaders)

    @extend_schema(
        responses=SettlementsSerializer,
        summary="Frozen settlements (finance bureau, city office)",
        operation_id="plans_subsidies_settlements_list",
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        settlements = selectors.settlements_for_user(user=request.user, plan=plan)
        body = {"plan": plan.year, "settlements": [payloads.settlement_payload(s) for s in settlements]}
        return Response(SettlementsSerializer(body).data)

    @extend_schema(
        request=SettlementCreateSerializer,
        responses={201: SettlementSerializer},
        summary="Freeze a settlement as of a month (finance bureau)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = SettlementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settlement = services.settlement_create(plan=plan, actor=request.user, **serializer.validated_data)
        body = SettlementSerializer(payloads.settlement_payload(settlement, with_figures=True)).data
        return Response(body, status=status.HTTP_201_CREATED)


class SettlementView(APIView):
    permission_classes = api_rules(SubsidyReaders, SettlementReaders)

    @extend_schema(responses=SettlementSerializer, summary="A frozen settlement with its stored figures")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        settlement = selectors.settlement_get_for_user(user=request.user, plan=plan, pk=pk)
        return Response(SettlementSerializer(payloads.settlement_payload(settlement, with_figures=True)).data)


class SettlementFileView(APIView):
    permission_classes = api_rules(SubsidyReaders, SettlementReaders)
    content_negotiation_class = AnyAccept

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, summary="The stored workbook of a settlement")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        settlement = selectors.settlement_get_for_user(user=request.user, plan=plan, pk=pk, with_file=True)
        response = HttpResponse(bytes(settlement.xlsx), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(settlement_filename(settlement))}"
        response["X-Content-SHA256"] = settlement.sha256
        return response
