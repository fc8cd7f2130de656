import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.api import ConflictError
from core.exports import xlsx_response
from core.trial import rolled_back
from counties import plan_life, selectors, services
from counties.forms import PlanCreateForm, PlanEditForm, TargetAdjustmentForm, TargetsUploadForm
from counties.permissions import HasRole, PlanManagers, TargetAdjusters, page_permission
from counties.plan_choice import plan_remember, switched_url
from counties.selectors import plan_get_for_user, plan_target_table, plans_for_user, scope_for_user
from counties.services import target_adjust
from counties.targets_workbook import targets_template_sheet

# A dry run's workbook waits in the session for the confirm button (a targets table is a few KB).
PENDING_KEY = "plan_targets_upload"
PENDING_MAX_BYTES = 2 << 20


@login_required
def target_table(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    return render(request, "counties/target_table.html", {"table": plan_target_table(plan=plan), "plan": plan})


@require_http_methods(["GET", "POST"])
@page_permission(HasRole)
def target_adjustments(request, year: int):
    """The history of target changes (every role: targets are public); the city office records one here.

    A first 保存 checks the change in a transaction that is rolled back and shows it for confirmation;
    the confirm button posts the same fields with ``confirmed=1``, which saves it.
    """
    plan = plan_get_for_user(user=request.user, year=year)
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


@require_POST
@login_required
def plan_switch(request):
    """The header's year switch: remember the year for the user and go back to the same page in it."""
    plan = plan_get_for_user(user=request.user, year=request.POST.get("plan", ""))
    plan_remember(request, plan=plan)
    return redirect(switched_url(request.POST.get("next"), request=request, year=plan.year, fallback=reverse("home")))


def root(request):
    return redirect("home")


@page_permission(HasRole)
def plan_list(request):
    """Every plan year with its status; the city office also gets the actions."""
    return render(
        request,
        "counties/plan_list.html",
        {"plans": plans_for_user(user=request.user), "can_manage": scope_for_user(request.user).is_city_office},
    )


@page_permission(PlanManagers)
def plan_new(request):
    plans = plans_for_user(user=request.user)
    form = PlanCreateForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The form's fields are the service's keywords (copy_from: the chosen Plan).
            plan = plan_life.plan_create(user=request.user, **data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已新建%(year)d年度方案（草稿）。") % {"year": plan.year})
            return redirect("plan-manage", plan.year)
    return render(request, "counties/plan_new.html", {"form": form})


@page_permission(PlanManagers)
def plan_edit(request, year: int):
    """A draft's title, 文号, dates and reporting day; a published or closed year answers 409."""
    plan = plan_get_for_user(user=request.user, year=year)
    plan_life.plan_require_draft(plan=plan)
    fields = ("title", "document_number", "document_date", "deadline", "report_due_day")
    form = PlanEditForm(request.POST or None, initial={name: getattr(plan, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            plan_life.plan_update(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已保存%(year)d年度方案信息。") % {"year": plan.year})
            return redirect("plan-manage", plan.year)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "counties/plan_edit.html", {"form": form, "plan": plan}, status=status)


@page_permission(PlanManagers)
def targets_template(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    return xlsx_response(filename=f"目标任务表-{plan.year}.xlsx", sheets=[targets_template_sheet(plan)])


def _pending(request, year: int) -> dict | None:
    pending = request.session.get(PENDING_KEY)
    return pending if pending and pending.get("year") == year else None


@page_permission(PlanManagers)
def plan_manage(request, year: int):
    """A year's page for the city office: targets workbook (dry run, then confirm), publish, close."""
    plan = plan_get_for_user(user=request.user, year=year)
    upload_form = TargetsUploadForm()
    preview = None
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "preview":
            upload_form = TargetsUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                content = upload.read()
                preview = services.plan_targets_import(
                    user=request.user, plan=plan, content=content, filename=upload.name or "", dry_run=True
                )
                if not preview.errors and len(content) <= PENDING_MAX_BYTES:
                    request.session[PENDING_KEY] = {
                        "year": plan.year,
                        "name": upload.name or "",
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "content": base64.b64encode(content).decode("ascii"),
                    }
                    preview.token = request.session[PENDING_KEY]["sha256"]
        elif action == "apply":
            pending = _pending(request, plan.year)
            if pending is None or pending["sha256"] != request.POST.get("token"):
                messages.error(request, _("未找到待确认的目标任务表，请重新上传并预览。"))
                return redirect("plan-manage", plan.year)
            result = services.plan_targets_import(
                user=request.user,
                plan=plan,
                content=base64.b64decode(pending["content"]),
                filename=pending["name"],
                dry_run=False,
            )
            request.session.pop(PENDING_KEY, None)
            if result.errors:
                preview = result
            else:
                messages.success(request, _("已导入目标任务表：%(n)d 处变化。") % {"n": len(result.changes)})
                return redirect("plan-manage", plan.year)
        elif action in ("publish", "close"):
            if request.POST.get("confirmed") != "1":
                return redirect(f"{request.path}?confirm={action}")
            if action == "publish":
                plan_life.plan_publish(user=request.user, plan=plan)
                messages.success(request, _("%(year)d年度方案已下达。") % {"year": plan.year})
            else:
                plan_life.plan_close(user=request.user, plan=plan)
                messages.success(request, _("%(year)d年度已结束，月报、拨付和结算均已转为只读。") % {"year": plan.year})
            return redirect("plan-manage", plan.year)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("plan-manage", plan.year)
    plan.refresh_from_db()
    confirm = request.GET.get("confirm") if request.method == "GET" else None
    return render(
        request,
        "counties/plan_manage.html",
        {
            "plan": plan,
            "table": plan_target_table(plan=plan),
            "upload_form": upload_form,
            "preview": preview,
            "confirm": confirm if confirm in ("publish", "close") else None,
            "close_blockers": plan_life.plan_close_blockers(plan=plan) if plan.status == "published" else [],
        },
    )
