"""The spot-check page (/plans/<year>/spot-checks/): per county the households checked and each
finding's rate (the inspections' own figures), the desk form for a check, and the latest checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from counties.selectors import counties_for_user, plan_get_for_user
from households.selectors import WRITE_ROLES, require_reader, require_writer
from inspections.forms_spot_checks import SpotCheckForm
from inspections.models import VisitFinding
from inspections.selectors import check_batches_for_user, spot_check_summary
from inspections.services_spot_checks import spot_check_record


@login_required
def spot_checks(request, year: int):
    scope = require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    form = None
    if scope.role in WRITE_ROLES:
        counties = counties_for_user(user=request.user).order_by("order", "code")
        form = SpotCheckForm(request.POST or None, counties=counties)
    if request.method == "POST":
        require_writer(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = spot_check_record(
                    user=request.user,
                    plan=plan,
                    county_code=data["county"],
                    checked_on=data["checked_on"],
                    inspector=data["inspector"],
                    note=data["note"],
                    items=data["lines"],
                )
            except ValidationError as exc:
                for key, messages_ in exc.message_dict.items():
                    for message in messages_:
                        form.add_error(None, f"{_line_label(key)}{message}")
            else:
                messages.success(request, _("已记录抽查，共%(n)d户。") % {"n": batch.visits.count()})
                return redirect("household-spot-checks", year=plan.year)
    return render(
        request,
        "inspections/spot_checks.html",
        {
            "plan": plan,
            "form": form,
            "summary": spot_check_summary(user=request.user, plan=plan),
            "findings": VisitFinding.choices,
            "visits": check_batches_for_user(user=request.user, plan=plan)[:20],
        },
    )


def _line_label(key: str) -> str:
    parts = key.split(".")
    if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit():
        return _("第%(n)d户：") % {"n": int(parts[1]) + 1}
    return ""
