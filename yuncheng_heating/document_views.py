"""Downloads of official documents (.docx) and the city office's correction of a 文号."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.documents import docx_response
from counties.documents import document_number_issue, document_number_update
from counties.models import DocumentKind
from counties.permissions import page_permission
from counties.plan_choice import plan_for_request
from reports.periods import clean_as_of_period
from reports.permissions import CityOfficeOnly
from yuncheng_heating.bulletin_document import bulletin_document, bulletin_filename


def bulletin_docx(*, request, plan, period) -> HttpResponse:
    return docx_response(
        content=bulletin_document(plan=plan, period=period, user=request.user),
        filename=bulletin_filename(period=period),
    )


@require_POST
@page_permission(CityOfficeOnly)
def bulletin_number_edit(request):
    plan = plan_for_request(request)
    try:
        period = clean_as_of_period(request.POST.get("period"), plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"/bulletin/?plan={plan.year}")
    document = document_number_issue(plan=plan, kind=DocumentKind.BULLETIN, subject=period, actor=request.user)
    try:
        document_number_update(document=document, number=request.POST.get("number", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("通报文号已改为“%(number)s”。") % {"number": document.number})
    return redirect(f"/bulletin/?plan={plan.year}&period={period}")
