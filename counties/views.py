from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.trial import rolled_back
from counties import selectors
from counties.forms import TargetAdjustmentForm
from counties.permissions import HasRole, TargetAdjusters, page_permission
from counties.selectors import plan_get, plan_target_table
from counties.services import target_adjust


@login_required
def target_table(request, year: int):
    plan = plan_get(year=year)
    return render(request, "counties/target_table.html", {"table": plan_target_table(plan=plan), "plan": plan})


@require_http_methods(["GET", "POST"])
@page_permission(HasRole)
def target_adjustments(request, year: int):
    """The history of target changes (every role: targets are public); the city office records one here.

    A first 保存 checks the change in a transaction that is rolled back and shows it for confirmation;
    the confirm button posts the same fields with ``confirmed=1``, which saves it.
    """
    plan = plan_get(year=year)
    may_adjust = TargetAdjusters.allows(request.user)
    form = None
    checked = None
    status = 200
    if may_adjust:
        form = TargetAdjustmentForm(request.POST if request.method == "POST" else None, plan=plan)
    elif request.method == "POST":
        TargetAdjusters.check(request.user)
    if request.method == "POST" and form is not None:
        if form.is_valid():
            data = form.cleaned_data

            def action():
                return target_adjust(
                    plan=plan,
                    county=data["county"],
                    retrofit_type=data["retrofit_type"],
                    households=data["households"],
                    area_m2=data["area_m2"],
                    effective_period=data["effective_period"],
                    reason=data["reason"],
                    document_number=data["document_number"],
                    by=request.user,
                )

            try:
                if request.POST.get("confirmed") == "1":
                    action()
                    messages.success(request, _("已记录目标任务调整。"))
                    return redirect("target-adjustments", year=plan.year)
                checked = rolled_back(lambda: _summary(action()))
            except ValidationError as error:
                _add_errors(form, error)
        if form.errors:
            status = 400
    return render(
        request,
        "counties/target_adjustments.html",
        {
            "plan": plan,
            "adjustments": list(selectors.target_adjustments(plan=plan)),
            "form": form,
            "checked": checked,
        },
        status=status,
    )


def _summary(adjustment) -> dict:
    return {
        "county": adjustment.target.county.name,
        "type": adjustment.target.retrofit_type.name,
        "old": adjustment.old_households,
        "new": adjustment.new_households,
        "old_area_m2": adjustment.old_area_m2,
        "new_area_m2": adjustment.new_area_m2,
        "effective_period": adjustment.effective_period,
    }


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def root(request):
    return redirect("home")
