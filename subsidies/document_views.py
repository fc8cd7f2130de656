"""A settlement's cover letter (.docx) for whoever may read the settlement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.documents import docx_response
from counties.selectors import plan_get_for_user
from subsidies import selectors
from subsidies.documents import settlement_letter, settlement_letter_filename


@require_GET
@login_required
def settlement_letter_download(request, year: int, pk: int):
    plan = plan_get_for_user(user=request.user, year=year)
    settlement = selectors.settlement_get_for_user(user=request.user, plan=plan, pk=pk)
    return docx_response(
        content=settlement_letter(settlement=settlement, user=request.user),
        filename=settlement_letter_filename(settlement),
    )
