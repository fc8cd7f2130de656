"""Roster pages. Reads go through households.selectors, writes through households.services."""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.throttling import RosterImportThrottle, throttled_error
from counties.models import Plan
from counties.selectors import (
    counties_for_user,
    plan_counties_for_user,
    plan_get_for_user,
    retrofit_types_for_user,
    scope_for_user,
)
from households import importer, pii, roster_page, services
from households.acceptance import households_accept
from households.forms import AcceptanceForm, FilterForm, MarkPaidForm, SelectedAcceptanceForm
from households.models import Hardship
from households.permissions import ReadsHardship, RecordsPayment
from households.reconciliation_export import reconciliation_filename, reconciliation_sheet
from households.roster_export import export_sheet, template_sheets
from households.selectors import (
    PAYMENT_ROLES,
    WHOLE_ID_ROLES,
    WRITE_ROLES,
    household_ids_for_user,
    household_rows,
    households_filter,
    households_for_user,
    payable_by_county,
    pii_key_missing,
    reconciliation,
    require_reader,
    require_writer,
    sees_whole_ids,
    subsidy_rates_for_user,
)
from subsidies.selectors import can_read_subsidies

log = logging.getLogger("households.pii")

PAGE_SIZE = 50


def template_response(user, year: int):
    scope = scope_for_user(user)
    return xlsx_response(
        filename=f"改造户花名册导入模板-{year}.xlsx", sheets=template_sheets(with_county=not scope.is_clerk)
    )


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _list_filters(request) -> dict:
    return {k: v for k, v in request.GET.items() if k in ("county", "type", "status", "q", "hardship") and v}


def pii_error_page(request, exc):
    """A key problem is the operator's to fix: a Chinese 503 page naming the key id (the English detail for the log)."""
    log.error("personal data not readable: %s", exc)
    missing = isinstance(exc, pii.PiiKeyMissing)
    message = (
        _("解密所需的密钥 %(key)s 未配置（PII_KEYS），暂时无法读取完整身份证号。请联系系统管理员。")
        if missing
        else _("已存储的身份证号无法用密钥 %(key)s 解密（密钥与加密时所用的不同，或数据已损坏）。请联系系统管理员。")
    ) % {"key": exc.key_id}
    code = "pii_key_missing" if missing else "pii_unreadable"
    response = render(request, "pii_unavailable.html", {"message": message, "code": code}, status=503)
    response["Cache-Control"] = "no-store"
    return response


def export_response(request, plan: Plan, queryset):
    """The filtered roster as a streamed xlsx; a whole-ID export is audited (who, when, how many rows)."""
    whole = sees_whole_ids(user=request.user)
    if whole and (missing := pii_key_missing(queryset)):
        raise pii.PiiKeyMissing(missing)
    rates = subsidy_rates_for_user(user=request.user, plan=plan)
    rows = _Counter(household_rows(queryset.order_by(*roster_page.ORDER), whole_ids=whole, rates=rates))
    sheet = export_sheet(rows, title=_("改造户花名册"), with_money=rates is not None)
    response = xlsx_response(filename=f"改造户花名册-{plan.year}.xlsx", sheets=[sheet], fast=True)
    if whole:
        filters = _list_filters(request)
        services.export_audit_record(user=request.user, plan=plan, rows=rows.count, filters=filters, request=request)
    return response


def _filter_context(request, plan):
    counties = plan_counties_for_user(user=request.user, plan=plan)
    types = retrofit_types_for_user(user=request.user).order_by("order", "code")
    form = FilterForm(request.GET or None, counties=counties, types=types)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = households_filter(
        households_for_user(user=request.user, plan=plan),
        county=data.get("county", ""),
        type_code=data.get("type", ""),
        status=data.get("status", ""),
        q=data.get("q", ""),
        hardship=data.get("hardship", ""),
    )
    return form, queryset


@login_required
def household_list(request, year: int):
    scope = require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    form, queryset = _filter_context(request, plan)
    if request.GET.get("format") == "xlsx":
        try:
            return export_response(request, plan, queryset)
        except (pii.PiiKeyMissing, pii.PiiUnreadable) as exc:
            return pii_error_page(request, exc)
    rates = subsidy_rates_for_user(user=request.user, plan=plan)
    try:
        page = roster_page.roster_page(
            queryset,
            lambda rows: household_rows(rows, whole_ids=False, rates=rates),
            size=PAGE_SIZE,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
        )
    except roster_page.InvalidCursor:
        # A cursor edited by hand: start from the first page rather than fail.
        page = roster_page.roster_page(
            queryset, lambda rows: household_rows(rows, whole_ids=False, rates=rates), size=PAGE_SIZE
        )
    rows = page.rows
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    return render(
        request,
        "households/list.html",
        {
            "plan": plan,
            "form": form,
            "rows": rows,
            "page": page,
            "count_limit": roster_page.COUNT_LIMIT,
            # More rows than the list counts: exported by a background task (households/roster_jobs.py).
            "background_export": page.count is None or page.count > roster_page.COUNT_LIMIT,
            "export_filters": {
                k: v for k, v in (form.cleaned_data if form.is_bound and form.is_valid() else {}).items() if v
            },
            "query": query.urlencode(),
            "can_write": scope.role in WRITE_ROLES,
            "can_pay": scope.role in PAYMENT_ROLES,
            "shows_money": can_read_subsidies(request.user),
            "back": request.GET.urlencode(),
            "accept_form": SelectedAcceptanceForm(prefix="accept"),
            "paid_form": MarkPaidForm(prefix="paid"),
            "whole_ids": scope.role in WHOLE_ID_ROLES,
            "hardship_labels": dict(Hardship.choices),
            "shows_hardship": ReadsHardship.allows(request.user),
        },
    )


LIST_QUERY_KEYS = ("county", "type", "status", "q", "hardship", "after", "before")
MAX_SELECTED = 1000


def _back_to_list(request, plan: Plan):
    """Redirect to the roster list with the filters the action was posted from (only the known keys)."""
    posted = QueryDict(request.POST.get("back", "")[:1000])
    query = QueryDict(mutable=True)
    for key in LIST_QUERY_KEYS:
        value = posted.get(key, "")
        if value:
            # A cursor holds a township and a village name (base64): longer than a filter value.
            query[key] = value[: 600 if key in ("after", "before") else 100]
    url = reverse("household-list", kwargs={"year": plan.year})
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def _selected_ids(request, plan: Plan):
    """The ticked households, 404 if any lies outside the user's scope; None (with a message) if too many."""
    raw = request.POST.getlist("households")
    if len(raw) > MAX_SELECTED:
        messages.error(request, _("一次最多选择%(n)d户。") % {"n": MAX_SELECTED})
        return None
    return household_ids_for_user(user=request.user, plan=plan, pks=raw)


def _report_errors(request, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for messages_ in errors.values():
        for message in messages_:
            messages.error(request, message)


def _report_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}：{message}" if label else message)


@login_required
@require_POST
def households_accept_selected(request, year: int):
    """“验收所选” on the list page: the ticked households through services.households_accept."""
    require_writer(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    ids = _selected_ids(request, plan)
    form = SelectedAcceptanceForm(request.POST, prefix="accept")
    if ids is None:
        return _back_to_list(request, plan)
    if not form.is_valid():
        _report_form_errors(request, form)
        return _back_to_list(request, plan)
    data = form.cleaned_data
    try:
        outcome = households_accept(
            user=request.user,
            plan=plan,
            household_ids=ids,
            accepted_on=data["accepted_on"],
            accepted_by=data["accepted_by"],
            result=data["result"],
        )
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, outcome.message())
    return _back_to_list(request, plan)


@login_required
@require_POST
def households_mark_paid(request, year: int):
    """“标记补助已拨付” on the list page: the ticked households through services.households_mark_paid."""
    RecordsPayment.check(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    ids = _selected_ids(request, plan)
    form = MarkPaidForm(request.POST, prefix="paid")
    if ids is None:
        return _back_to_list(request, plan)
    if not form.is_valid():
        _report_form_errors(request, form)
        return _back_to_list(request, plan)
    try:
        count = services.households_mark_paid(
            user=request.user, plan=plan, household_ids=ids, paid_on=form.cleaned_data["paid_on"]
        )
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, _("已将%(n)d户标记为补助已拨付。") % {"n": count})
    return _back_to_list(request, plan)


@login_required
@require_POST
def household_reveal(request, year: int, pk: int):
    """“显示完整身份证号” for one household (city office, finance, admin): audited, never cached."""
    plan = plan_get_for_user(user=request.user, year=year)
    try:
        revealed = services.household_reveal(user=request.user, plan=plan, pk=pk, request=request)
    except (pii.PiiKeyMissing, pii.PiiUnreadable) as exc:
        return pii_error_page(request, exc)
    response = render(
        request,
        "households/reveal.html",
        {"plan": plan, **revealed, "back": _back_to_list(request, plan).url},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def household_import(request, year: int):
    """The import page: a plain POST form (预览检查, then 确认导入) that households-import.js enhances.

    Without scripts the preview is rendered here. Nothing of the upload is kept between the two steps
    (it holds whole ID numbers): 确认导入 sends the file again, and an HMAC of the previewed file makes
    sure the confirmed file is the one that was checked.
    """
    scope = require_writer(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    counties = counties_for_user(user=request.user).order_by("order", "code")
    context = {"plan": plan, "counties": counties, "is_clerk": scope.is_clerk, "scope": scope}
    if request.method == "POST":
        outcome = _import_step(request, plan)
        if outcome.get("imported"):
            result = outcome["result"]
            messages.success(
                request,
                _("导入成功：新增%(created)d户，更新%(updated)d户。")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("household-list", year=plan.year)
        context.update(outcome)
    return render(request, "households/import.html", context, status=400 if context.get("error") else 200)


def _upload_digest(upload, mode: str, county: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"households.import|{mode}|{county}|".encode(), hashlib.sha256)
    for chunk in upload.chunks():
        mac.update(chunk)
    upload.seek(0)
    return mac.hexdigest()


def _import_step(request, plan: Plan) -> dict:
    upload = request.FILES.get("file")
    mode = request.POST.get("mode") if request.POST.get("mode") in ("create", "update") else "create"
    county = request.POST.get("county", "")
    chosen = {"mode": mode, "county": county}
    if upload is None:
        return {"error": _("请选择要上传的文件。"), "chosen": chosen}
    throttle = RosterImportThrottle()
    if not throttle.allow_request(request, None):
        return {"error": str(throttled_error(throttle.wait()).detail), "chosen": chosen}
    digest = _upload_digest(upload, mode, county)
    confirming = request.POST.get("step") == "confirm"
    mismatch = confirming and not hmac.compare_digest(digest, request.POST.get("digest", ""))
    try:
        result = services.household_import(
            user=request.user,
            plan=plan,
            fileobj=upload,
            size=upload.size,
            mode=mode,
            dry_run=not confirming or mismatch,
            county_code=county,
            today=timezone.localdate(),
        )
    except importer.ImportFileError as exc:
        return {"error": exc.message, "chosen": chosen}
    except ValidationError as exc:
        return {"error": "；".join(exc.messages), "chosen": chosen}
    if not result.ok:
        return {
            "error": _("发现 %(n)d 处问题，未导入任何数据。请修改后重新上传。") % {"n": len(result.problems)},
            "problems": result.problems[:1000],
            "chosen": chosen,
        }
    if result.dry_run:
        return {
            "result": result,
            "digest": digest,
            "chosen": chosen,
            "mismatch": mismatch,
        }
    return {"imported": True, "result": result}


@login_required
def household_template(request, year: int):
    require_reader(request.user)
    plan_get_for_user(user=request.user, year=year)
    return template_response(request.user, year)


@login_required
def acceptance(request, year: int):
    require_writer(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    counties = counties_for_user(user=request.user).order_by("order", "code")
    form = AcceptanceForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = households_accept(
                user=request.user,
                plan=plan,
                accepted_on=data["accepted_on"],
                accepted_by=data["accepted_by"],
                result=data["result"],
                county_code=data["county"],
                township=data["township"].strip(),
                village=data["village"].strip(),
            )
        except ValidationError as exc:
            for messages_ in exc.message_dict.values():
                for message in messages_:
                    form.add_error(None, message)
        else:
            if outcome.skipped_total:
                messages.warning(request, outcome.message())
            else:
                messages.success(request, outcome.message())
            return redirect("household-acceptance", year=plan.year)
    return render(request, "households/acceptance.html", {"plan": plan, "form": form})


@login_required
def reconciliation_page(request, year: int):
    require_reader(request.user)
    plan = plan_get_for_user(user=request.user, year=year)
    data = reconciliation(user=request.user, plan=plan)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=reconciliation_filename(plan=plan, period=data["period"]),
            sheets=[reconciliation_sheet(plan=plan, data=data)],
        )
    payable = payable_by_county(user=request.user, plan=plan)
    return render(request, "households/reconciliation.html", {"plan": plan, "data": data, "payable": payable})
