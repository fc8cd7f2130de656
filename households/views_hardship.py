"""The page of the hardship households (困难群众) and their county's guarantee (households/hardship.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.api import ConflictError
from core.exports import xlsx_response
from counties.permissions import page_permission
from counties.selectors import plan_get_for_user
from households import hardship
from households.forms import GuaranteeForm
from households.hardship_export import hardship_filename, hardship_sheet
from households.permissions import ReadsHardship


@page_permission(ReadsHardship)
def hardship_page(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    counties = list(hardship.hardship_counties_for_user(user=request.user, plan=plan))
    writable = [c for c in counties if hardship.may_record_guarantee(user=request.user, county=c)]
    form = GuaranteeForm(request.POST if request.method == "POST" else None, counties=writable) if writable else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("只有本县（市、区）或市清洁取暖办可以填报困难群众兜底政策。"))
            return redirect("household-hardship", year=plan.year)
        if form.is_valid():
            data = dict(form.cleaned_data)
            code = data.pop("county")
            county = next(c for c in writable if c.code == code)
            try:
                hardship.hardship_guarantee_set(plan=plan, county=county, actor=request.user, **data)
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect("household-hardship", year=plan.year)
            else:
                messages.success(request, _("已记录%(county)s的困难群众兜底政策。") % {"county": county.name})
                return redirect("household-hardship", year=plan.year)
        status = 400
    summary = hardship.hardship_summary_for_user(user=request.user, plan=plan)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return xlsx_response(filename=hardship_filename(plan=plan), sheets=[hardship_sheet(summary=summary)])
    history = hardship.guarantee_history_for_user(user=request.user, plan=plan)
    context = {"plan": plan, "summary": summary, "form": form, "history": history}
    return render(request, "households/hardship.html", context, status=status)
