"""The league table of one assessment and one county's breakdown, with the city office's steps
(加减分, 公示, 定稿, answers) and a county's objection."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import presentation as P
from assessments import selectors as S
from assessments import services
from assessments.figures import assessed_counties
from assessments.forms import AdjustmentForm, AnswerForm, ObjectionForm, add_errors
from assessments.models import AssessmentStatus, ObjectionStatus
from assessments.permissions import AssessmentManagers, AssessmentReaders, Objectors
from core.api import ConflictError
from counties.models import County, Role
from counties.permissions import page_permission
from counties.selectors import plan_get_for_user, scope_for_user

CONFIRMABLE = ("publish", "finalize")


def _counties(plan):
    return County.objects.filter(pk__in=[c.pk for c in assessed_counties(plan=plan)]).order_by("order", "code")


def _league_context(user, assessment, figures) -> dict:
    """The table's columns and rows: each county with its grade's CSS class and its change of total."""
    if scope_for_user(user).role == Role.DEPARTMENT:
        types = []
        for row in figures["counties"]:
            for t in row["types"]:
                if t["type"] not in [x["type"] for x in types]:
                    types.append({"type": t["type"], "name": t["name"]})
        rows = [
            {**row, "by_type": [next((t for t in row["types"] if t["type"] == x["type"]), None) for x in types]}
            for row in figures["counties"]
        ]
        return {"department_view": True, "types": types, "rows": rows}
    first = figures["counties"][0]["indicators"] if figures["counties"] else []
    columns = [{"code": i["code"], "name": i["name"], "weight": i["weight"]} for i in first]
    changes = S.changes_against_previous(assessment=assessment, figures=figures)
    rows = [
        {**row, "css": P.GRADE_CLASSES.get(row["grade"], ""), "change": (changes or {}).get(row["county"])}
        for row in figures["counties"]
    ]
    return {"department_view": False, "columns": columns, "rows": rows, "has_changes": changes is not None}


@require_http_methods(["GET", "POST"])
@page_permission(AssessmentReaders)
def assessment_detail(request, year: int, pk: int):
    plan = plan_get_for_user(user=request.user, year=year)
    assessment = S.assessment_get_for_user(user=request.user, plan=plan, pk=pk)
    # A clerk reads the league only once final (404 before: other counties' points).
    S.league_for_user(user=request.user, assessment=assessment)
    scope = scope_for_user(request.user)
    may_manage = AssessmentManagers.allows(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        AssessmentManagers.check(request.user)
    here = request.path
    adjustment_form = None
    if may_manage and not assessment.is_final:
        adjustment_form = AdjustmentForm(request.POST if action == "adjust" else None, counties=_counties(plan))
    status = 200
    try:
        if action == "adjust":
            if adjustment_form is None:
                raise ConflictError(_("考核结果已定稿，不能再加减分；如需更正，请新建更正版本。"))
            if adjustment_form.is_valid():
                data = adjustment_form.cleaned_data
                try:
                    services.adjustment_add(
                        assessment=assessment,
                        county=data["county"],
                        points=data["points"],
                        reason=data["reason"],
                        basis=data["basis"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    add_errors(adjustment_form, error)
                else:
                    messages.success(request, _("已为%(county)s记录加减分。") % {"county": data["county"].name})
                    return redirect(here)
            status = 400
        elif action in CONFIRMABLE:
            if request.POST.get("confirmed") != "1":
                return redirect(f"{here}?confirm={action}")
            if action == "publish":
                done = services.assessment_publish(assessment=assessment, actor=request.user)
                messages.success(
                    request,
                    _("第 %(n)d 版考核结果已公示，异议截止 %(date)s。")
                    % {"n": done.number, "date": done.objection_deadline.isoformat()},
                )
            else:
                done = services.assessment_finalize(assessment=assessment, actor=request.user)
                messages.success(request, _("第 %(n)d 版考核结果已定稿。") % {"n": done.number})
            return redirect(here)
        elif action is not None:
            return redirect(here)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect(here)
    assessment = S.assessment_get_for_user(user=request.user, plan=plan, pk=pk)
    figures = S.league_for_user(user=request.user, assessment=assessment)
    confirm = request.GET.get("confirm") if request.method == "GET" and may_manage else None
    context = {
        "plan": plan,
        "assessment": assessment,
        "superseded_by": S.assessment_superseded_by(assessment=assessment),
        "may_manage": may_manage,
        "is_finance": scope.role == Role.FINANCE,
        "shows_money": scope.role in (Role.FINANCE, Role.CITY_OFFICE, Role.ADMIN),
        "is_clerk": scope.is_clerk,
        "own_county": scope.county_code,
        "breakdowns": scope.role != Role.DEPARTMENT,
        "checksum_holds": S.checksum_holds(assessment=assessment),
        "open_objections": S.open_objections(assessment=assessment) if may_manage else None,
        "objections": list(S.objections_for_user(user=request.user, assessment=assessment)) if may_manage else [],
        "adjustments": list(S.adjustments_for_user(user=request.user, assessment=assessment)),
        "events": list(S.events_for_user(user=request.user, assessment=assessment)),
        "adjustment_form": adjustment_form,
        "confirm": confirm if confirm in CONFIRMABLE else None,
        "as_of": figures["as_of"],
        "period": figures["period"],
        **_league_context(request.user, assessment, figures),
    }
    return render(request, "assessments/detail.html", context, status=status)


def _objection_window(assessment) -> bool:
    return (
        assessment.status == AssessmentStatus.PUBLISHED
        and assessment.objection_deadline is not None
        and timezone.localdate() <= assessment.objection_deadline
    )


@require_http_methods(["GET", "POST"])
@page_permission(AssessmentReaders)
def assessment_county(request, year: int, pk: int, code: str):
    plan = plan_get_for_user(user=request.user, year=year)
    assessment = S.assessment_get_for_user(user=request.user, plan=plan, pk=pk)
    S.breakdown_for_user(user=request.user, assessment=assessment, code=code)  # 404 outside the user's scope
    scope = scope_for_user(request.user)
    may_manage = AssessmentManagers.allows(request.user)
    window = _objection_window(assessment)
    action = request.POST.get("action") if request.method == "POST" else None
    here = request.path
    objection_form = None
    if scope.is_clerk and (window or action == "object"):
        objection_form = ObjectionForm(
            request.POST if action == "object" else None, request.FILES if action == "object" else None
        )
    answer_forms: dict[int, AnswerForm] = {}
    status = 200
    try:
        if action == "object":
            Objectors.check(request.user)
            if not window:
                raise ConflictError(_("考核结果不在公示期，不能提出异议。"))
            if objection_form.is_valid():
                try:
                    services.objection_file(
                        assessment=assessment,
                        reason=objection_form.cleaned_data["reason"],
                        attachment=objection_form.cleaned_data["attachment"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    add_errors(objection_form, error)
                else:
                    messages.success(request, _("已提交异议，请等待市清洁取暖办答复。"))
                    return redirect(here)
            status = 400
        elif action == "answer":
            AssessmentManagers.check(request.user)
            objection = S.objection_get_for_user(
                user=request.user, assessment=assessment, pk=request.POST.get("objection")
            )
            if objection.county.code != code:
                raise Http404
            form = AnswerForm(request.POST, prefix=f"answer-{objection.pk}")
            answer_forms[objection.pk] = form
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.objection_answer(
                        objection=objection,
                        decision=data["decision"],
                        reply=data["reply"],
                        points=data["points"] or None,
                        basis=data["basis"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, _("已答复%(county)s的异议。") % {"county": objection.county.name})
                    return redirect(here)
            status = 400
        elif action is not None:
            return redirect(here)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect(here)
    assessment = S.assessment_get_for_user(user=request.user, plan=plan, pk=pk)
    row = S.breakdown_for_user(user=request.user, assessment=assessment, code=code)
    rules = assessment.scheme.rules
    indicators = []
    for item in row["indicators"]:
        facts, links = P.indicator_facts(item, plan=plan, county_code=code)
        rule = P.rule_words(item["code"], rules["indicators"].get(item["code"], {"weight": item["weight"]}))
        indicators.append({**item, "rule": rule, "facts": facts, "links": links})
    objections = list(S.objections_for_user(user=request.user, assessment=assessment, county_code=code))
    if may_manage and assessment.status == AssessmentStatus.PUBLISHED:
        for objection in objections:
            if objection.status == ObjectionStatus.OPEN and objection.pk not in answer_forms:
                answer_forms[objection.pk] = AnswerForm(prefix=f"answer-{objection.pk}")
    for objection in objections:
        objection.answer_form = answer_forms.get(objection.pk)
    return render(
        request,
        "assessments/county.html",
        {
            "plan": plan,
            "assessment": assessment,
            "row": row,
            "css": P.GRADE_CLASSES.get(row["grade"], ""),
            "indicators": indicators,
            "adjustments": list(S.adjustments_for_user(user=request.user, assessment=assessment, county_code=code)),
            "objections": objections,
            "objection_form": objection_form if window else None,
            "window": window,
            "is_clerk": scope.is_clerk,
            "may_manage": may_manage,
            "league_visible": scope.role != Role.COUNTY_CLERK or assessment.is_final,
            "shows_money": scope.role in (Role.FINANCE, Role.CITY_OFFICE, Role.ADMIN),
        },
        status=status,
    )
