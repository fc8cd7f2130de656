from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_response
from counties import plan_life, services
from counties.models import County, RetrofitType
from counties.permissions import HasRole, PlanManagers, TargetAdjusters
from counties.selectors import plan_get_for_user, plan_target_table, plans_for_user, target_adjustments
from counties.serializers import (
    PlanCreateSerializer,
    PlanSerializer,
    TargetAdjustmentInputSerializer,
    TargetAdjustmentSerializer,
    TargetsImportRequestSerializer,
    TargetsImportResultSerializer,
    TargetsSerializer,
)
from counties.services import target_adjust

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {code, detail, errors: {field.path: [messages]}}"),
    403: OpenApiResponse(description="Role may not do this"),
    404: OpenApiResponse(description="No such plan"),
}
SIGNED_IN = [permissions.IsAuthenticated, HasRole]
MANAGERS = [permissions.IsAuthenticated, HasRole, PlanManagers]


class PlanTargetsView(APIView):
    """The plan's annex target table (every signed-in role; a draft only for the city office)."""

    permission_classes = SIGNED_IN

    @extend_schema(responses=TargetsSerializer, summary="Annex target table of a plan")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        return Response(TargetsSerializer(plan_target_table(plan=plan)).data)


class TargetAdjustmentsView(APIView):
    """Target changes of a plan with their effective month. Read: any role (targets are public);
    record: the city office."""

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.request.method == "POST":
            permissions.append(TargetAdjusters())
        return permissions

    @extend_schema(
        responses={200: TargetAdjustmentSerializer(many=True), **ERRORS},
        summary="Target adjustments of a plan, newest first",
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        return Response(TargetAdjustmentSerializer(target_adjustments(plan=plan), many=True).data)

    @extend_schema(
        request=TargetAdjustmentInputSerializer,
        responses={201: TargetAdjustmentSerializer, **ERRORS},
        summary="Record a target adjustment (city office)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = TargetAdjustmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        county = County.objects.filter(code=data["county"]).first()
        retrofit_type = RetrofitType.objects.filter(code=data["type"]).first()
        errors = {}
        if county is None:
            errors["county"] = [_("未知的县（市、区）代码“%(code)s”。") % {"code": data["county"]}]
        if retrofit_type is None:
            errors["type"] = [_("未知的改造类型“%(code)s”。") % {"code": data["type"]}]
        if errors:
            raise ValidationError(errors)
        adjustment = target_adjust(
            plan=plan,
            county=county,
            retrofit_type=retrofit_type,
            households=data.get("households"),
            area_m2=data.get("area_m2"),
            effective_period=data["effective_period"],
            reason=data["reason"],
            document_number=data.get("document_number", ""),
            by=request.user,
        )
        return Response(TargetAdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class PlanListView(APIView):
    """Plan years (drafts only for the city office and the administrator); the city office starts a year."""

    permission_classes = SIGNED_IN

    @extend_schema(responses=PlanSerializer(many=True), summary="Plan years")
    def get(self, request):
        return Response(PlanSerializer(plans_for_user(user=request.user), many=True).data)

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer}, summary="Start a plan year (draft)")
    def post(self, request):
        PlanManagers.check(request.user)
        serializer = PlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        copy_from = None
        if data["copy_from"] is not None:
            copy_from = plans_for_user(user=request.user).filter(year=data["copy_from"]).first()
            if copy_from is None:
                return error_response(
                    code="invalid",
                    detail=_("输入有误，请检查后重试。"),
                    http_status=status.HTTP_400_BAD_REQUEST,
                    errors={"copy_from": [_("未找到要复制的年度方案。")]},
                )
        plan = plan_life.plan_create(user=request.user, **{**data, "copy_from": copy_from})
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanTargetsImportView(APIView):
    """A draft's targets from the annex workbook (multipart ``file``, ``dry_run``): every change and every
    error by cell; without ``dry_run`` written only when there is no error (else 400, nothing written).
    A published or closed year: 409 (a published plan's targets change through adjustments)."""

    parser_classes = [MultiPartParser]
    permission_classes = MANAGERS

    @extend_schema(
        request={"multipart/form-data": TargetsImportRequestSerializer},
        responses={200: TargetsImportResultSerializer},
        summary="Import a draft plan's targets workbook",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = TargetsImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        dry_run = serializer.validated_data["dry_run"]
        result = services.plan_targets_import(
            user=request.user, plan=plan, content=upload.read(), filename=upload.name or "", dry_run=dry_run
        )
        if result.errors and not dry_run:
            return error_response(
                code="invalid",
                detail=_("目标任务表有 %(n)d 处错误，未写入任何数据。") % {"n": len(result.errors)},
                http_status=status.HTTP_400_BAD_REQUEST,
                errors={"file": result.errors},
            )
        return Response(TargetsImportResultSerializer(result).data)


class PlanPublishView(APIView):
    """Publish a draft (409 when it is not a draft or has no targets)."""

    permission_classes = MANAGERS

    @extend_schema(request=None, responses=PlanSerializer, summary="Publish a draft plan")
    def post(self, request, year: int):
        plan = plan_life.plan_publish(user=request.user, plan=plan_get_for_user(user=request.user, year=year))
        return Response(PlanSerializer(plan).data)


class PlanCloseView(APIView):
    """Close a published year (409 before its last reporting month has ended or while reports wait for review)."""

    permission_classes = MANAGERS

    @extend_schema(request=None, responses=PlanSerializer, summary="Close a plan year")
    def post(self, request, year: int):
        plan = plan_life.plan_close(user=request.user, plan=plan_get_for_user(user=request.user, year=year))
        return Response(PlanSerializer(plan).data)
