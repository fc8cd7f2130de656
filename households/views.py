"""Roster pages. Reads go through households.selectors, writes through households.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from counties.models import Plan
from counties.selectors import counties_for_user, plan_get, retrofit_types_for_user, scope_for_user
from households import services
from households.forms import AcceptanceForm, FilterForm, SpotCheckForm
from households.models import Finding
from households.roster_export import export_sheet, template_sheets
from households.selectors import (
    WHOLE_ID_ROLES,
    WRITE_ROLES,
    household_rows,
    households_filter,
    households_for_user,
    payable_by_county,
    reconciliation,
    require_reader,
    require_writer,
    sees_whole_ids,
    spot_check_summary,
    spot_checks_for_user,
    subsidy_rates,
)
from yuncheng_heating.exports import xlsx_response

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


def export_response(request, plan: Plan, queryset):
    """The filtered roster as a streamed xlsx; a whole-ID export is audited (who, when, how many rows)."""
    whole = sees_whole_ids(user=request.user)
    rows = _Counter(
        household_rows(
            queryset.order_by("county__order", "township", "village", "pk"),
            whole_ids=whole,
            rates=subsidy_rates(plan=plan),
        )
    )
    response = xlsx_response(
        filename=f"改造户花名册-{plan.year}.xlsx", sheets=[export_sheet(rows, title=_("改造户花名册"))], fast=True
    )
    if whole:
        filters = {k: v for k, v in request.GET.items() if k in ("county", "type", "status", "q") and v}
        services.export_audit_record(user=request.user, plan=plan, rows=rows.count, filters=filters)
    return response


def _filter_context(request, plan):
    counties = counties_for_user(user=request.user).filter(targets__plan=plan).distinct().order_by("order", "code")
    types = retrofit_types_for_user(user=request.user).order_by("order", "code")
    form = FilterForm(request.GET or None, counties=counties, types=types)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = households_filter(
        households_for_user(user=request.user, plan=plan),
        county=data.get("county", ""),
        type_code=data.get("type", ""),
        status=data.get("status", ""),
        q=data.get("q", ""),
    )
    return form, queryset


@login_required
def household_list(request, year: int):
    scope = require_reader(request.user)
    plan = plan_get(year=year)
    form, queryset = _filter_context(request, plan)
    if request.GET.get("format") == "xlsx":
        return export_response(request, plan, queryset)
    paginator = Paginator(
        queryset.order_by("county__order", "township", "village", "pk").values_list("pk", flat=True), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = list(
        household_rows(
            households_for_user(user=request.user, plan=plan)
            .filter(pk__in=list(page.object_list))
            .order_by("county__order", "township", "village", "pk"),
            whole_ids=sees_whole_ids(user=request.user),
            rates=subsidy_rates(plan=plan),
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/list.html",
        {
            "plan": plan,
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "can_write": scope.role in WRITE_ROLES,
            "whole_ids": scope.role in WHOLE_ID_ROLES,
        },
    )


@login_required
def household_import(request, year: int):
    scope = require_writer(request.user)
    plan = plan_get(year=year)
    counties = counties_for_user(user=request.user).order_by("order", "code")
    return render(
        request,
        "households/import.html",
        {"plan": plan, "counties": counties, "is_clerk": scope.is_clerk, "scope": scope},
    )


@login_required
def household_template(request, year: int):
    require_reader(request.user)
    plan_get(year=year)
    return template_response(request.user, year)


@login_required
def acceptance(request, year: int):
    require_writer(request.user)
    plan = plan_get(year=year)
    counties = counties_for_user(user=request.user).order_by("order", "code")
    form = AcceptanceForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.households_accept(
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
            messages.success(request, _("已记录%(n)d户的验收结果。") % {"n": count})
            return redirect("household-acceptance", year=plan.year)
    return render(request, "households/acceptance.html", {"plan": plan, "form": form})


@login_required
def spot_checks(request, year: int):
    scope = require_reader(request.user)
    plan = plan_get(year=year)
    can_write = scope.role in WRITE_ROLES
    form = None
    if can_write:
        counties = counties_for_user(user=request.user).order_by("order", "code")
        form = SpotCheckForm(request.POST or None, counties=counties)
    if request.method == "POST":
        require_writer(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit = services.spot_check_record(
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
                        line = _line_label(key)
                        form.add_error(None, f"{line}{message}")
            else:
                messages.success(request, _("已记录抽查，共%(n)d户。") % {"n": visit.items.count()})
                return redirect("household-spot-checks", year=plan.year)
    return render(
        request,
        "households/spot_checks.html",
        {
            "plan": plan,
            "form": form,
            "summary": spot_check_summary(user=request.user, plan=plan),
            "findings": Finding.choices,
            "visits": spot_checks_for_user(user=request.user, plan=plan)[:20],
        },
    )


def _line_label(key: str) -> str:
    parts = key.split(".")
    if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit():
        return _("第%(n)d户：") % {"n": int(parts[1]) + 1}
    return ""


@login_required
def reconciliation_page(request, year: int):
    require_reader(request.user)
    plan = plan_get(year=year)
    data = reconciliation(user=request.user, plan=plan)
    payable = payable_by_county(user=request.user, plan=plan)
    return render(request, "households/reconciliation.html", {"plan": plan, "data": data, "payable": payable})
