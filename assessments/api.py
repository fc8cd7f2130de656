"""API of the year-end assessment (issue 20), under /api/v1/plans/{year}/.

The pattern of core.api: the plan and the assessment through the scoped selectors first (404 outside
one's scope, before any input is read), input parsed by a serializer, every write through
assessments.services, every answer through the output serializer its schema names.
"""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments import serializers as S
from assessments.documents import assessment_notice_response
from assessments.download_views import ATTACHMENT_MEDIA, OCTET_STREAM, objection_attachment_response
from assessments.exports import assessment_xlsx_response
from assessments.permissions import AssessmentManagers, AssessmentReaders, Objectors
from core.api import AnyAccept
from core.documents import MEDIA_DOCX
from counties.models import County, Role
from counties.permissions import HasRole
from counties.selectors import plan_get_for_user, scope_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFLICT = {409: OpenApiResponse(description="Not allowed in the assessment's state (or the plan year's)")}
CODE = OpenApiParameter("code", OpenApiTypes.INT, OpenApiParameter.PATH, description="county code, e.g. 140802")


class _AssessmentView(APIView):
    """Signed in with a role; ``read_rule`` for GET, ``write_rule`` for the other methods."""

    read_rule = AssessmentReaders
    write_rule = AssessmentManagers

    def get_permissions(self):
        rule = self.read_rule if self.request.method in permissions.SAFE_METHODS else self.write_rule
        return [permissions.IsAuthenticated(), HasRole(), rule()]

    def plan(self, year):
        return plan_get_for_user(user=self.request.user, year=year)

    def assessment(self, year, pk):
        return selectors.assessment_get_for_user(user=self.request.user, plan=self.plan(year), pk=pk)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _county(code: str) -> County:
    county = County.objects.filter(code=code).first()
    if county is None:
        raise _invalid("county", _("未知的县（市、区）代码“%(code)s”。") % {"code": code})
    return county


def _scheme_json(scheme) -> dict:
    return {
        "version": scheme.version,
        "is_default": scheme.is_default,
        "locked": selectors.scheme_locked(scheme=scheme),
        "rules": scheme.rules,
        "updated_at": scheme.updated_at,
        "note": scheme.note,
    }


class SchemeView(_AssessmentView):
    """The plan's assessment scheme: read by every assessment reader, set by the city office."""

    @extend_schema(responses=S.SchemeSerializer, summary="The assessment scheme of a plan year")
    def get(self, request, year: int):
        scheme = selectors.scheme_current(plan=self.plan(year))
        return Response(S.SchemeSerializer(_scheme_json(scheme)).data)

    @extend_schema(
        request=S.SchemeUpdateSerializer,
        responses={200: S.SchemeSerializer, **CONFLICT},
        summary="Set the assessment scheme (a new version once one was published with)",
    )
    def put(self, request, year: int):
        plan = self.plan(year)
        serializer = S.SchemeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            scheme = services.scheme_update(plan=plan, rules=data["rules"], note=data["note"], actor=request.user)
        except ValidationError as error:
            # scheme_clean names paths inside the rules; the body's paths start at "rules".
            raise ValidationError(
                {key if key == "rules" else f"rules.{key}": value for key, value in error.message_dict.items()}
            ) from None
        return Response(S.SchemeSerializer(_scheme_json(scheme)).data)


class AirQualityView(_AssessmentView):
    """The counties' air-quality results (the figure the funds are tied to): the city office's."""

    read_rule = AssessmentManagers

    @extend_schema(responses=S.AirQualitySerializer(many=True), summary="Air-quality results entered for a plan year")
    def get(self, request, year: int):
        entries = selectors.air_quality_for_plan(plan=self.plan(year))
        return Response(S.AirQualitySerializer(entries, many=True).data)

    @extend_schema(
        request=S.AirQualityInputSerializer,
        responses={200: S.AirQualitySerializer, **CONFLICT},
        summary="Enter or correct a county's air-quality result",
    )
    def put(self, request, year: int):
        plan = self.plan(year)
        serializer = S.AirQualityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.air_quality_set(
            plan=plan,
            county=_county(data["county"]),
            value=data["value"],
            target=data["target"],
            source=data["source"],
            actor=request.user,
        )
        return Response(S.AirQualitySerializer(entry).data)


class AssessmentListView(_AssessmentView):
    @extend_schema(responses=S.AssessmentSerializer(many=True), summary="The plan year's assessments you may see")
    def get(self, request, year: int):
        assessments = selectors.assessments_for_user(user=request.user, plan=self.plan(year))
        return Response(S.AssessmentSerializer(assessments, many=True).data)

    @extend_schema(
        request=S.AssessmentCreateSerializer,
        responses={201: S.AssessmentSerializer, **CONFLICT},
        summary="Compute a draft as of a date (or a correction of the final result)",
    )
    def post(self, request, year: int):
        plan = self.plan(year)
        serializer = S.AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        supersedes = None
        if data["supersedes"] is not None:
            supersedes = (
                selectors.assessments_for_user(user=request.user, plan=plan).filter(pk=data["supersedes"]).first()
            )
            if supersedes is None:
                raise _invalid("supersedes", _("未找到要更正的考核版本。"))
        assessment = services.assessment_create(
            plan=plan, as_of=data["as_of"], actor=request.user, supersedes=supersedes, reason=data["reason"]
        )
        return Response(S.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


def _detail(*, user, assessment):
    """The assessment with its league table, as the detail serializer reads it (a copy: the caller's
    instance stays as the selector gave it)."""
    figures = selectors.league_for_user(user=user, assessment=assessment)
    department = scope_for_user(user).role == Role.DEPARTMENT
    rows = figures["counties"]
    if not department:
        changes = selectors.changes_against_previous(assessment=assessment, figures=figures)
        if changes:
            rows = [{**row, "change": changes.get(row["county"])} for row in rows]
    detail = copy.copy(assessment)
    detail.checksum_ok = selectors.checksum_holds(assessment=assessment)
    detail.view = "completion" if department else "league"
    detail.period = figures["period"]
    detail.counties = rows
    return detail


def _refreshed(user, assessment):
    """The assessment as its reader sees it after a write (the service returns its own locked copy)."""
    return selectors.assessment_get_for_user(user=user, plan=assessment.plan, pk=assessment.pk)


class AssessmentDetailView(_AssessmentView):
    @extend_schema(
        responses=S.AssessmentDetailSerializer,
        summary="An assessment's league table (a county before the final result: 404; a department: completion)",
    )
    def get(self, request, year: int, pk: int):
        assessment = self.assessment(year, pk)
        return Response(S.AssessmentDetailSerializer(_detail(user=request.user, assessment=assessment)).data)


class AssessmentCountyView(_AssessmentView):
    @extend_schema(
        parameters=[CODE],
        responses=S.BreakdownSerializer,
        summary="One county's breakdown: each indicator's records, its 加减分 and objections",
    )
    def get(self, request, year: int, pk: int, code: str):
        assessment = self.assessment(year, pk)
        row = selectors.breakdown_for_user(user=request.user, assessment=assessment, code=code)
        adjustments = selectors.adjustments_for_user(user=request.user, assessment=assessment).filter(county__code=code)
        objections = selectors.objections_for_user(user=request.user, assessment=assessment).filter(county__code=code)
        body = {**row, "adjustment_entries": adjustments, "objections": objections}
        return Response(S.BreakdownSerializer(body, context={"year": year}).data)


class AdjustmentsView(_AssessmentView):
    @extend_schema(responses=S.AdjustmentSerializer(many=True), summary="The assessment's 加减分 you may see")
    def get(self, request, year: int, pk: int):
        assessment = self.assessment(year, pk)
        adjustments = selectors.adjustments_for_user(user=request.user, assessment=assessment)
        return Response(S.AdjustmentSerializer(adjustments, many=True).data)

    @extend_schema(
        request=S.AdjustmentInputSerializer,
        responses={201: S.AdjustmentSerializer, **CONFLICT},
        summary="Add or take off points for a county (within the scheme's limits)",
    )
    def post(self, request, year: int, pk: int):
        assessment = self.assessment(year, pk)
        serializer = S.AdjustmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        adjustment = services.adjustment_add(
            assessment=assessment,
            county=_county(data["county"]),
            points=data["points"],
            reason=data["reason"],
            basis=data["basis"],
            actor=request.user,
        )
        return Response(S.AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class AssessmentPublishView(_AssessmentView):
    @extend_schema(request=None, responses={200: S.AssessmentSerializer, **CONFLICT}, summary="Publish a draft (公示)")
    def post(self, request, year: int, pk: int):
        assessment = services.assessment_publish(assessment=self.assessment(year, pk), actor=request.user)
        return Response(S.AssessmentSerializer(_refreshed(request.user, assessment)).data)


class AssessmentFinalizeView(_AssessmentView):
    @extend_schema(
        request=None,
        responses={200: S.AssessmentSerializer, **CONFLICT},
        summary="Freeze a published result (409 while an objection waits for its answer)",
    )
    def post(self, request, year: int, pk: int):
        assessment = services.assessment_finalize(assessment=self.assessment(year, pk), actor=request.user)
        return Response(S.AssessmentSerializer(_refreshed(request.user, assessment)).data)


class ObjectionsView(_AssessmentView):
    parser_classes = [MultiPartParser]  # an attachment: multipart only, as the schema says
    write_rule = Objectors

    @extend_schema(responses=S.ObjectionSerializer(many=True), summary="The assessment's objections you may see")
    def get(self, request, year: int, pk: int):
        assessment = self.assessment(year, pk)
        objections = selectors.objections_for_user(user=request.user, assessment=assessment)
        return Response(S.ObjectionSerializer(objections, many=True, context={"year": year}).data)

    @extend_schema(
        request={"multipart/form-data": S.ObjectionInputSerializer},
        responses={201: S.ObjectionSerializer, **CONFLICT},
        summary="Object to your county's published result (a county clerk, within the objection period)",
    )
    def post(self, request, year: int, pk: int):
        assessment = self.assessment(year, pk)
        serializer = S.ObjectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        objection = services.objection_file(
            assessment=assessment, reason=data["reason"], attachment=data["attachment"], actor=request.user
        )
        objection = selectors.objection_get_for_user(user=request.user, assessment=assessment, pk=objection.pk)
        return Response(S.ObjectionSerializer(objection, context={"year": year}).data, status=status.HTTP_201_CREATED)


class ObjectionAnswerView(_AssessmentView):
    @extend_schema(
        request=S.ObjectionAnswerSerializer,
        responses={200: S.ObjectionSerializer, **CONFLICT},
        summary="Answer an objection: accepted with a change of points, or rejected with a reply",
    )
    def post(self, request, year: int, pk: int, oid: int):
        assessment = self.assessment(year, pk)
        objection = selectors.objection_get_for_user(user=request.user, assessment=assessment, pk=oid)
        serializer = S.ObjectionAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.objection_answer(
            objection=objection,
            decision=data["decision"],
            reply=data["reply"],
            points=data["points"],
            basis=data["basis"],
            actor=request.user,
        )
        objection = selectors.objection_get_for_user(user=request.user, assessment=assessment, pk=oid)
        return Response(S.ObjectionSerializer(objection, context={"year": year}).data)


class ObjectionAttachmentView(_AssessmentView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={(200, media): OpenApiTypes.BINARY for media in sorted({*ATTACHMENT_MEDIA.values(), OCTET_STREAM})},
        summary="An objection's attachment (its county's clerk and the city office)",
    )
    def get(self, request, year: int, pk: int, oid: int):
        assessment = self.assessment(year, pk)
        objection = selectors.objection_get_for_user(user=request.user, assessment=assessment, pk=oid)
        return objection_attachment_response(objection)


class AssessmentExportView(_AssessmentView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={(200, XLSX): OpenApiTypes.BINARY},
        summary="The league table and the breakdowns you may see (.xlsx)",
    )
    def get(self, request, year: int, pk: int):
        return assessment_xlsx_response(user=request.user, assessment=self.assessment(year, pk))


class AssessmentNoticeView(_AssessmentView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={(200, MEDIA_DOCX): OpenApiTypes.BINARY, **CONFLICT},
        summary="The result notice (考核结果通报, .docx) of a final assessment",
    )
    def get(self, request, year: int, pk: int):
        return assessment_notice_response(user=request.user, assessment=self.assessment(year, pk))
