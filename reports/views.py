"""Report pages. Reads go through reports.selectors (scoping), writes through reports.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.api import ConflictError
from core.filtering import page_filtered
from core.trial import rolled_back
from counties.decorators import role_required
from counties.models import AreaClass
from counties.plan_choice import plan_for_request, plan_pin, redirect_in_year
from counties.selectors import counties_for_user, county_get_for_user, plan_types, scope_for_user
from reports import services
from reports.filters import ReportFilter
from reports.forms import NewReportForm, ReasonForm, ReportForm, line_field_name
from reports.models import ReportStatus
from reports.periods import clean_period
from reports.selectors import (
    own_reports_for_user,
    periods_open_for_user,
    report_abilities,
    report_events_for_user,
    report_get_for_user,
    report_sheet,
    report_unchanged_since_return,
    reports_for_user,
)
from reports.states import with_states


def _deadline_info(report):
    today = timezone.localdate()
    days = (report.deadline - today).days
    return {"days_left": days, "days_overdue": -days, "overdue": days < 0 and report.submitted_at is None}


@role_required
def report_list(request):
    plan = plan_for_request(request, required=False)
    reports = reports_for_user(user=request.user).order_by("-period", "county__order", "department")
    if plan:
        reports = reports.filter(plan=plan)
    reports, filter_errors = page_filtered(ReportFilter, request.GET, reports, names=("period", "status", "county"))
    period, status, county = (request.GET.get(name, "") for name in ("period", "status", "county"))
    open_periods = periods_open_for_user(user=request.user, plan=plan) if plan else []
    scope = scope_for_user(request.user)
    # A list to choose from rather than a code to type (only for users who see every county).
    counties = (
        counties_for_user(user=request.user).filter(files_reports=True).order_by("order", "code")
        if scope.sees_all_counties
        else []
    )
    return render(
        request,
        "reports/report_list.html",
        {
            "plan": plan,
            "counties": counties,
            "reports": with_states(reports[:500]),
            "statuses": ReportStatus.choices,
            "filters": {"period": period, "status": status, "county": county},
            "filter_errors": filter_errors,
            "new_form": NewReportForm(periods=open_periods) if open_periods else None,
            # A clerk or department with nothing left to file is told so rather than shown nothing.
            "nothing_to_start": _nothing_to_start(request.user, plan, open_periods),
        },
    )


def _nothing_to_start(user, plan, open_periods) -> str:
    """For a clerk or department with no month left to start: "all_filed" when it has no draft or
    returned report either, "finish_own" when it has (they are opened from the list); else ""."""
    scope = scope_for_user(user)
    if plan is None or open_periods or not (scope.is_clerk or scope.role == "department"):
        return ""
    own = own_reports_for_user(user=user).filter(plan=plan, status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    return "finish_own" if own.exists() else "all_filed"


def _form_context(request, *, plan, county, period, report, form):
    # The form opens with the cursor in its first field: the clerk types and Tabs through, no
    # clicks. Not when the page comes back with errors (the error, not the top, needs attention).
    if not (form.is_bound and form.errors):
        first = form.line_keys[0][0] if form.line_keys else "narrative"
        form.fields[first].widget.attrs["autofocus"] = True
    sheet = report_sheet(user=request.user, plan=plan, county=county, period=period, report=report) if county else []
    for row in sheet:
        for cell in row["cells"]:
            name = line_field_name(row["type"].code, cell["area_class"])
            cell["field"] = form[name] if name in form.fields else None
    return {"plan": plan, "county": county, "period": period, "report": report, "form": form, "sheet": sheet}


def _line_initial(report) -> dict:
    initial = {}
    for line in report.lines.select_related("retrofit_type"):
        value = line.area_m2 if line.retrofit_type.is_area else line.households
        # A stored line was entered, a 0 included (blank cells are not stored): show it as typed.
        initial[line_field_name(line.retrofit_type.code, line.area_class)] = str(value)
    return initial


@role_required
def report_create(request):
    scope = scope_for_user(request.user)
    if not (scope.is_clerk or scope.role == "department"):
        raise PermissionDenied(_("您的角色不能填报月报。"))
    plan = plan_for_request(request)
    try:
        period = clean_period(request.POST.get("period") or request.GET.get("period"), plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect_in_year(request, "report-list")
    county = county_get_for_user(user=request.user, code=_own_county_code(request.user)) if scope.is_clerk else None
    types = plan_types(plan=plan) if county else []
    form = ReportForm(request.POST or None, types=types)
    confirm_submit = False
    if request.method == "POST" and form.is_valid():

        def save():
            return services.report_create(
                user=request.user,
                plan=plan,
                county=county,
                period=period,
                lines=form.raw_lines() if county else None,
                narrative=form.cleaned_data["narrative"],
                problems=form.cleaned_data["problems"],
            )

        try:
            if request.POST.get("then_submit") == "1":
                confirm_submit = _trial_submit(request.user, save)
            else:
                report = save()
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if request.POST.get("then_submit") == "confirm":
                return _submit_after_save(request, report)
            if not confirm_submit:
                messages.success(request, _("草稿已保存。"))
                return redirect("report-edit", pk=report.pk)
    context = _form_context(request, plan=plan, county=county, period=period, report=None, form=form)
    context.update({"creating": True, "confirm_submit": confirm_submit})
    return render(request, "reports/report_form.html", context)


def _own_county_code(user) -> str:
    # A clerk's scope is its own county: the scoped selector names it (others see every county, and own none).
    if not scope_for_user(user).is_clerk:
        return ""
    return counties_for_user(user=user).values_list("code", flat=True).first() or ""


def _trial_submit(user, save) -> dict:
    """保存并报送, first click: run the real save and submit in a transaction, then roll it back.

    Whatever would refuse the submission (a missing narrative, an over-target figure without an
    explanation, someone else's newer version) raises here, before anything is saved or any version
    bumped; the page then asks for confirmation, and only the confirmed post saves and submits.
    """
    return rolled_back(lambda: _check_submit(user, save()))


def _check_submit(user, report) -> dict:
    """Inside a rolled-back trial: whether the save left a returned report as it was returned (read
    before the trial submission changes its status), then the submission's own checks."""
    unchanged = report_unchanged_since_return(report=report)
    services.report_submit(user=user, report=report)
    return {"unchanged": unchanged}


def _submit_after_save(request, report):
    try:
        services.report_submit(user=request.user, report=report)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("report-edit", pk=report.pk)
    messages.success(request, _("月报已报送市清洁取暖办。"))
    return redirect("report-detail", pk=report.pk)


@role_required
def report_edit(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    plan_pin(request, plan=report.plan)
    abilities = report_abilities(user=request.user, report=report)
    if not abilities["edit"]:
        if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise PermissionDenied(_("只有本县（市、区）填报员可以修改本县月报。"))
        messages.warning(request, services.lock_reason(report, for_owner=abilities["owner"]))
        return redirect("report-detail", pk=report.pk)
    types = plan_types(plan=report.plan) if report.county_id else []
    initial = {
        "version": report.version,
        "narrative": report.narrative,
        "problems": report.problems,
        **_line_initial(report),
    }
    form = ReportForm(request.POST or None, types=types, initial=initial)
    conflict = confirm_submit = False
    if request.method == "POST" and form.is_valid():

        def save():
            return services.report_update(
                user=request.user,
                report=report,
                version=form.cleaned_data.get("version"),
                lines=form.raw_lines() if report.county_id else None,
                narrative=form.cleaned_data["narrative"],
                problems=form.cleaned_data["problems"],
            )

        try:
            if request.POST.get("then_submit") == "1":
                confirm_submit = _trial_submit(request.user, save)
            else:
                report = save()
        except ConflictError as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if request.POST.get("then_submit") == "confirm":
                return _submit_after_save(request, report)
            if not confirm_submit:
                messages.success(request, _("已保存（版本 %(version)d）。") % {"version": report.version})
                return redirect("report-edit", pk=report.pk)
    if request.POST.get("then_submit") == "1":
        # A rolled-back trial may have changed the object in memory: show what is stored.
        report = report_get_for_user(user=request.user, pk=pk)
    context = _form_context(
        request, plan=report.plan, county=report.county, period=report.period, report=report, form=form
    )
    context.update({"conflict": conflict, "deadline": _deadline_info(report), "confirm_submit": confirm_submit})
    context["resubmit_unchanged"] = bool(confirm_submit) and confirm_submit["unchanged"]
    return render(request, "reports/report_form.html", context)


@role_required
def report_detail(request, pk, *, confirm_submit=False, resubmit_unchanged=False):
    report = report_get_for_user(user=request.user, pk=pk)
    plan_pin(request, plan=report.plan)
    scope = scope_for_user(request.user)
    abilities = report_abilities(user=request.user, report=report)
    sheet = (
        report_sheet(user=request.user, plan=report.plan, county=report.county, period=report.period, report=report)
        if report.county_id
        else []
    )
    events = report_events_for_user(user=request.user, report=report)
    _label_changes(events, sheet)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "sheet": sheet,
            "abilities": abilities,
            "events": events,
            "deadline": _deadline_info(report),
            "lock_reason": services.lock_reason(report, for_owner=abilities["owner"]),
            "reason_form": ReasonForm(initial={"version": report.version}),
            "show_history": scope.role is not None,
            "confirm_submit": confirm_submit,
            "resubmit_unchanged": resubmit_unchanged,
        },
    )


FIELD_LABELS = {"narrative": _lazy("当月工作推进情况"), "problems": _lazy("存在问题及下步打算")}


def _label_changes(events, sheet) -> None:
    """The history speaks Chinese: ``coal_to_electric/rural`` becomes 煤改电/农村 (names from the sheet,
    so no extra query), with the unit for area-measured types; the stored change keeps the codes."""
    types = {row["type"].code: row["type"] for row in sheet}
    areas = dict(AreaClass.choices)
    for event in events:
        lines = []
        for key, change in ((event.changes or {}).get("lines") or {}).items():
            code, _sep, area = key.partition("/")
            retrofit_type = types.get(code)
            label = f"{retrofit_type.name if retrofit_type else code}/{areas.get(area, area)}"
            if retrofit_type is not None and retrofit_type.is_area:
                label += _("（㎡）")
            lines.append((label, change))
        event.line_changes = lines
        event.field_changes = [FIELD_LABELS.get(key, key) for key in ((event.changes or {}).get("fields") or {})]


def _action(request, pk, func, *, needs_reason=False, success=""):
    report = report_get_for_user(user=request.user, pk=pk)
    kwargs = {"user": request.user, "report": report, "version": request.POST.get("version") or None}
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        func(**kwargs)
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("report-detail", pk=report.pk)


@require_POST
@role_required
def report_submit(request, pk):
    if request.POST.get("confirmed") != "1":
        # 报送 from the report page: check first (rolled back), then ask on the page.
        report = report_get_for_user(user=request.user, pk=pk)
        version = request.POST.get("version") or None
        unchanged = report_unchanged_since_return(report=report)
        try:
            rolled_back(lambda: services.report_submit(user=request.user, report=report, version=version))
            return report_detail(request, pk, confirm_submit=True, resubmit_unchanged=unchanged)
        except ConflictError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("report-detail", pk=pk)
    return _action(request, pk, services.report_submit, success=_("月报已报送市清洁取暖办。"))


@require_POST
@role_required
def report_approve(request, pk):
    return _action(request, pk, services.report_approve, success=_("已审核通过，该月报已锁定并计入完成进度。"))


@require_POST
@role_required
def report_return(request, pk):
    return _action(request, pk, services.report_return, needs_reason=True, success=_("已退回，填报员将看到退回原因。"))


@require_POST
@role_required
def report_reopen(request, pk):
    return _action(
        request, pk, services.report_reopen, needs_reason=True, success=_("已重新打开，填报员可以修改后重新报送。")
    )
