"""API twins of the top layer's documents: ``GET /api/v1/plans/<year>/bulletin/export.docx?period=``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from core.api import AnyAccept
from core.api_schema import as_of_period_parameter
from core.documents import MEDIA_DOCX
from counties.selectors import plan_get_for_user
from reports.periods import clean_as_of_period
from yuncheng_heating.document_views import bulletin_docx


class BulletinDocxView(APIView):
    """The monthly bulletin as a 公文 (.docx): the same for every role with a role, as the bulletin page."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="月度通报公文（.docx）",
        parameters=[as_of_period_parameter("通报月份 YYYY-MM（默认方案最后一个月）")],
        responses={(200, MEDIA_DOCX): OpenApiTypes.BINARY},
    )
    def get(self, request, year):
        plan = plan_get_for_user(user=request.user, year=year)
        try:
            period = clean_as_of_period(request.query_params.get("period"), plan=plan)
        except ValidationError as error:
            raise ValidationError({"period": error.messages}) from None
        return bulletin_docx(request=request, plan=plan, period=period)
