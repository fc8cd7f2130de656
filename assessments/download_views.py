"""The assessment's files on the pages: the workbook, the result notice and an objection's attachment.

The API serves the same files (assessments.api); both go through the scoped selectors first.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.documents import assessment_notice_response
from assessments.exports import assessment_xlsx_response
from assessments.models import Objection
from assessments.permissions import AssessmentReaders
from assessments.selectors import assessment_get_for_user, objection_get_for_user
from counties.permissions import page_permission
from counties.selectors import plan_get_for_user

# The types services.ATTACHMENT_TYPES admits, served as themselves (with nosniff, as a download).
ATTACHMENT_MEDIA = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OCTET_STREAM = "application/octet-stream"


def attachment_media_type(name: str) -> str:
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return ATTACHMENT_MEDIA.get(extension, OCTET_STREAM)


def objection_attachment_response(objection: Objection) -> FileResponse:
    """The attachment's bytes, after the caller's scope check, under the name it was uploaded with."""
    if not objection.attachment:
        raise Http404(_("该异议没有附件。"))
    try:
        handle = objection.attachment.storage.open(objection.attachment.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("未找到该附件。")) from None
    name = objection.attachment_name or "attachment"
    response = FileResponse(handle, content_type=attachment_media_type(name))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _assessment(request, year: int, pk: int):
    plan = plan_get_for_user(user=request.user, year=year)
    return assessment_get_for_user(user=request.user, plan=plan, pk=pk)


@require_GET
@page_permission(AssessmentReaders)
def assessment_export(request, year: int, pk: int):
    return assessment_xlsx_response(user=request.user, assessment=_assessment(request, year, pk))


@require_GET
@page_permission(AssessmentReaders)
def assessment_notice(request, year: int, pk: int):
    return assessment_notice_response(user=request.user, assessment=_assessment(request, year, pk))


@require_GET
@page_permission(AssessmentReaders)
def objection_attachment(request, year: int, pk: int, oid: int):
    assessment = _assessment(request, year, pk)
    return objection_attachment_response(objection_get_for_user(user=request.user, assessment=assessment, pk=oid))
