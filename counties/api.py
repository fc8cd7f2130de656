from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.models import County, RetrofitType
from counties.permissions import TargetAdjusters
from counties.selectors import plan_get, plan_target_table, target_adjustments
from counties.serializers import TargetAdjustmentInputSerializer, TargetAdjustmentSerializer, TargetsSerializer
from counties.services import target_adjust

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {code, detail, errors: {field.path: [messages]}}"),
    403: OpenApiResponse(description="Role may not do this"),
    404: OpenApiResponse(description="No such plan"),
}


class PlanTargetsView(APIView):
    """The plan's annex target table (public to every signed-in role: the plan is published)."""

    @extend_schema(responses=TargetsSerializer, summary="Annex target table of a plan")
    def get(self, request, year: int):
        return Response(TargetsSerializer(plan_target_table(plan=plan_get(year=year))).data)


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
        plan = plan_get(year=year)
        return Response(TargetAdjustmentSerializer(target_adjustments(plan=plan), many=True).data)

    @extend_schema(
        request=TargetAdjustmentInputSerializer,
        responses={201: TargetAdjustmentSerializer, **ERRORS},
        summary="Record a target adjustment (city office)",
    )
    def post(self, request, year: int):
        plan = plan_get(year=year)
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
