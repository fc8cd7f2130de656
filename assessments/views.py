"""The year-end assessment's pages (issue 20). Reads through ``assessments.selectors``, writes through
``assessments.services``; a ValidationError is shown on its form (400, nothing written), a ConflictError
(a step the assessment's state does not allow) comes back as a message on the page it was asked from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import presentation as P
from assessments import selectors as S
from assessments import services
from assessments.figures import assessed_counties
from assessments.forms import (
    AirQualityForm,
    AssessmentCreateForm,
    CorrectionForm,
    SchemeForm,
    add_errors,
    scheme_field_name,
)
from assessments.permissions import AssessmentManagers, AssessmentReaders
from core.api import ConflictError
from counties.models import County
from counties.permissions import page_permission
from counties.selectors import plan_get_for_user, scope_for_user


def _counties(plan):
    return County.objects.filter(pk__in=[c.pk for c in assessed_counties(plan=plan)]).order_by("order", "code")


def _current_final(assessments):
    """The final result in force: the newest final one that no final correction replaced."""
    finals = [a for a in assessments if a.is_final]
    return next((a for a in finals if not a.is_superseded), None)


@require_http_methods(["GET", "POST"])
@page_permission(AssessmentReaders)
def assessment_home(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    scope = scope_for_user(request.user)
    assessments = list(S.assessments_for_user(user=request.user, plan=plan))
    may_manage = AssessmentManagers.allows(request.user)
    open_one = next((a for a in assessments if not a.is_final), None)
    current_final = _current_final(assessments)
    today = timezone.localdate()
    default_as_of = min(plan.deadline, today)
    create_form = correction_form = None
    status = 200
    if may_manage and open_one is None:
        action = request.POST.get("action") if request.method == "POST" else None
        if current_final is None:
            create_form = AssessmentCreateForm(
                request.POST if action == "create" else None, initial={"as_of": default_as_of}
            )
            bound = create_form if action == "create" else None
        else:
            correction_form = CorrectionForm(
                request.POST if action == "correct" else None, initial={"as_of": default_as_of}
            )
            bound = correction_form if action == "correct" else None
        if bound is not None and bound.is_valid():
            data = bound.cleaned_data
            try:
                created = services.assessment_create(
                    plan=plan,
                    as_of=data["as_of"],
                    actor=request.user,
                    supersedes=current_final if bound is correction_form else None,
                    reason=data.get("reason", ""),
                )
            except ValidationError as error:
                add_errors(bound, error)
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect("assessment-home", plan.year)
            else:
                messages.success(request, _("已计算第 %(n)d 版考核（草稿）。") % {"n": created.number})
                return redirect("assessment-detail", plan.year, created.pk)
        if bound is not None and bound.errors:
            status = 400
    elif request.method == "POST":
        AssessmentManagers.check(request.user)
        messages.error(request, _("第 %(n)d 版考核尚未定稿，不能再新建。") % {"n": open_one.number})
        return redirect("assessment-home", plan.year)
    return render(
        request,
        "assessments/home.html",
        {
            "plan": plan,
            "assessments": assessments,
            "may_manage": may_manage,
            "is_clerk": scope.is_clerk,
            "own_county": scope.county_code,
            "open_one": open_one,
            "current_final": current_final,
            "create_form": create_form,
            "correction_form": correction_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@page_permission(AssessmentReaders)
def assessment_scheme(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    scheme = S.scheme_current(plan=plan)
    may_manage = AssessmentManagers.allows(request.user)
    if request.method == "POST":
        AssessmentManagers.check(request.user)
    form = SchemeForm(request.POST if request.method == "POST" else None, rules=scheme.rules) if may_manage else None
    status = 200
    if form is not None and form.is_bound:
        if form.is_valid():
            try:
                saved = services.scheme_update(
                    plan=plan, rules=form.rules(), note=form.cleaned_data["note"], actor=request.user
                )
            except ValidationError as error:
                add_errors(form, error, rename=scheme_field_name)
            else:
                messages.success(request, _("已保存考核方案（第 %(v)d 版）。") % {"v": saved.version})
                return redirect("assessment-scheme", plan.year)
        status = 400
    return render(
        request,
        "assessments/scheme.html",
        {
            "plan": plan,
            "scheme": scheme,
            "locked": S.scheme_locked(scheme=scheme),
            "indicators": P.scheme_rows(scheme.rules),
            "grades": P.grade_rows(scheme.rules),
            "rules": scheme.rules,
            "form": form,
            "may_manage": may_manage,
            "versions": list(S.schemes_for_plan(plan=plan)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@page_permission(AssessmentManagers)
def assessment_air_quality(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    counties = _counties(plan)
    form = AirQualityForm(request.POST if request.method == "POST" else None, counties=counties)
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.air_quality_set(
                    plan=plan,
                    county=data["county"],
                    value=data["value"],
                    target=data["target"],
                    source=data["source"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("已录入%(county)s的空气质量考核指标。") % {"county": data["county"].name})
                return redirect("assessment-air-quality", plan.year)
        status = 400
    entries = {e.county_id: e for e in S.air_quality_for_plan(plan=plan)}
    rows = [{"county": c, "entry": entries.get(c.pk)} for c in counties]
    better = S.scheme_current(plan=plan).rules["indicators"]["air_quality"].get("better", "lower")
    return render(
        request,
        "assessments/air_quality.html",
        {"plan": plan, "rows": rows, "form": form, "better": better},
        status=status,
    )
