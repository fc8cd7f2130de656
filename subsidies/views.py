"""Subsidy pages. Reads through subsidies.selectors (scoped), writes through subsidies.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.trial import rolled_back
from counties.permissions import page_permission
from counties.selectors import plan_get_for_user, plan_types
from subsidies import rates, selectors, services
from subsidies.forms import (
    GridAllocationForm,
    GridInvestmentForm,
    PaymentForm,
    RuleForm,
    SettlementForm,
    add_service_errors,
)
from subsidies.hooks import finance_panels
from subsidies.permissions import FinanceOnly, GridInvestmentVoiders, GridInvestors, RuleEditors


def _page_url(plan, period=None) -> str:
    url = reverse("subsidies", args=[plan.year])
    return f"{url}?period={period}" if period else url


def _type_dict(info) -> dict:
    return {
        "code": info["type"].code,
        "name": info["type"].name,
        "unit": info["type"].unit,
        "split": info.get("split", True),
    }


def _render_page(request, plan, *, period=None, forms=None, status=200, period_error=None, extra=None):
    user = request.user
    scope = selectors.subsidy_scope(user)
    if period is None:
        period = selectors.period_default(plan=plan)
    counties = list(selectors.subsidy_counties_for_user(user=user, plan=plan))
    table = selectors.subsidy_compute(plan=plan, period=period, counties=counties, types=plan_types(plan=plan))
    grid = selectors.grid_compute(plan=plan, counties=counties, city_wide=scope.sees_all_counties)
    payments = selectors.payment_compute(plan=plan, period=period, counties=counties, table=table, grid=grid)
    finance = FinanceOnly.allows(user)
    forms = forms or {}
    context = {
        "plan": plan,
        "period": period,
        "periods": plan.periods(),
        "period_error": period_error,
        "table": table,
        "ruled_types": [_type_dict(info) for info in table["types"] if info["has_rule"]],
        "unruled_types": [_type_dict(info) for info in table["types"] if not info["has_rule"]],
        "area_classes": selectors.AREA_CLASSES,
        "grid": grid,
        "investments": selectors.grid_investments_for_user(user=user, plan=plan),
        "payments": payments,
        "payment_list": selectors.payments_for_user(user=user, plan=plan),
        "sees_all": scope.sees_all_counties,
        "is_finance": finance,
        "can_edit_rules": RuleEditors.allows(user),
        "can_record_investment": GridInvestors.allows(user),
        # The roster's figures (payable for accepted households) come from the layer above.
        **finance_panels(user=user, plan=plan),
    }
    if context["can_record_investment"]:
        context["investment_form"] = forms.get("investment") or GridInvestmentForm(counties=counties)
    if finance:
        context["allocation_form"] = forms.get("allocation") or GridAllocationForm(counties=counties)
        context["payment_form"] = forms.get("payment") or PaymentForm(counties=counties)
        context["settlement_form"] = forms.get("settlement") or SettlementForm(
            periods=plan.periods(), initial={"period": period}
        )
    if scope.sees_all_counties:
        context["settlements"] = selectors.settlements_for_user(user=user, plan=plan)
    context.update(extra or {})
    return render(request, "subsidies/subsidies.html", context, status=status)


@login_required
def subsidies(request, year: int):
    """The finance page: subsidies as of a month, grid support, payments, settlements."""
    plan = plan_get_for_user(user=request.user, year=year)
    selectors.subsidy_scope(request.user)
    try:
        period = selectors.period_parse(plan=plan, value=request.GET.get("period"))
    except ValidationError as error:
        return _render_page(request, plan, status=400, period_error=" ".join(error.messages))
    return _render_page(request, plan, period=period)


def _post_period(request, plan):
    try:
        return selectors.period_parse(plan=plan, value=request.POST.get("as_of") or request.GET.get("period"))
    except ValidationError:
        return None


def _handle(request, plan, *, key: str, form, action, success: str):
    period = _post_period(request, plan)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_page_url(plan, period))
    messages.error(request, _("未保存：请按提示修改后重试。"))
    return _render_page(request, plan, period=period, forms={key: form}, status=400)


def _county(request, plan, code):
    return selectors.subsidy_county_get_for_user(user=request.user, plan=plan, code=code)


@login_required
@require_POST
def grid_investment_add(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    selectors.subsidy_scope(request.user)
    GridInvestors.check(request.user)
    counties = list(selectors.subsidy_counties_for_user(user=request.user, plan=plan))
    form = GridInvestmentForm(request.POST, counties=counties)

    def action(data):
        services.grid_investment_record(
            plan=plan,
            county=_county(request, plan, data["county"]),
            project=data["project"],
            amount=data["amount"],
            invested_on=data["invested_on"],
            actor=request.user,
        )

    return _handle(request, plan, key="investment", form=form, action=action, success=_("已登记配套电网投资。"))


@page_permission(FinanceOnly)
@require_POST
def grid_allocate(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    selectors.subsidy_scope(request.user)
    counties = list(selectors.subsidy_counties_for_user(user=request.user, plan=plan))
    form = GridAllocationForm(request.POST, counties=counties)

    def action(data):
        services.grid_allocation_set(
            plan=plan, county=_county(request, plan, data["county"]), amount=data["amount"], actor=request.user
        )

    return _handle(request, plan, key="allocation", form=form, action=action, success=_("已保存市级配套电网补贴分配。"))


@page_permission(FinanceOnly)
@require_POST
def payment_add(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    selectors.subsidy_scope(request.user)
    counties = list(selectors.subsidy_counties_for_user(user=request.user, plan=plan))
    form = PaymentForm(request.POST, counties=counties)

    def action(data):
        return services.payment_record(
            plan=plan,
            county=_county(request, plan, data["county"]),
            level=data["level"],
            paid_on=data["paid_on"],
            document_number=data["document_number"],
            amount=data["amount"],
            reason=data["reason"],
            actor=request.user,
        )

    if request.POST.get("confirmed") != "1" and form.is_valid():
        # First click: the service checks everything (over-payment, dates) in a transaction that is
        # rolled back; only a payment that would be accepted is shown back for confirmation.
        return _check_first(
            request,
            plan,
            key="payment",
            form=form,
            action=action,
            summarise=lambda payment: {
                "county": payment.county.name,
                "level": payment.get_level_display(),
                "amount": payment.amount,
            },
        )
    return _handle(request, plan, key="payment", form=form, action=action, success=_("已登记资金拨付。"))


def _check_first(request, plan, *, key: str, form, action, summarise):
    """Run ``action`` in a transaction that is always rolled back and show the outcome beside the form.

    Accepted: ``summarise(result)`` goes to the template as ``<key>_checked`` (the confirm section,
    whose button posts ``confirmed=1``). Refused: the service's errors on the form, status 400.
    """
    period = _post_period(request, plan)
    try:
        checked = rolled_back(lambda: summarise(action(form.cleaned_data)))
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_page(request, plan, period=period, forms={key: form}, status=400)
    return _render_page(request, plan, period=period, forms={key: form}, extra={f"{key}_checked": checked})


def _void(request, plan, *, action, success: str):
    """Run a void service with the posted reason; a message either way, the page re-rendered on refusal."""
    period = _post_period(request, plan)
    try:
        action(request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _("未作废：%(reason)s") % {"reason": " ".join(error.messages)})
        return _render_page(request, plan, period=period, status=400)
    messages.success(request, success)
    return redirect(_page_url(plan, period))


@login_required
@require_POST
def payment_void(request, year: int, pk: int):
    plan = plan_get_for_user(user=request.user, year=year)
    payment = selectors.payment_get_for_user(user=request.user, plan=plan, pk=pk)
    # After the scoped lookup, as the API does: outside the caller's scope is 404, never 403.
    FinanceOnly.check(request.user)

    def action(reason):
        services.payment_void(payment=payment, actor=request.user, reason=reason)

    return _void(
        request,
        plan,
        action=action,
        success=_("已作废拨付记录（%(number)s，%(amount)s 元）。")
        % {"number": payment.document_number, "amount": selectors.money_str(payment.amount)},
    )


@login_required
@require_POST
def grid_investment_void(request, year: int, pk: int):
    plan = plan_get_for_user(user=request.user, year=year)
    investment = selectors.grid_investment_get_for_user(user=request.user, plan=plan, pk=pk)
    GridInvestmentVoiders.check(request.user)

    def action(reason):
        services.grid_investment_void(investment=investment, actor=request.user, reason=reason)

    return _void(
        request,
        plan,
        action=action,
        success=_("已作废配套电网投资记录（%(project)s，%(amount)s 元）。")
        % {"project": investment.project, "amount": selectors.money_str(investment.amount)},
    )


@page_permission(FinanceOnly)
@require_POST
def settlement_add(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    selectors.subsidy_scope(request.user)
    form = SettlementForm(request.POST, periods=plan.periods())

    # A confirmation counts only for what was checked: the month and total shown in the confirm section.
    confirmed = request.POST.get("confirmed") == "1" and request.POST.get("checked_period") == form.data.get(
        "settlement-period"
    )

    def action(data):
        return services.settlement_create(
            plan=plan,
            period=data["period"],
            supersede=data["supersede"],
            note=data["note"],
            actor=request.user,
            expected_total=request.POST.get("checked_total") if confirmed else None,
        )

    if not confirmed and form.is_valid():
        # First click: the service builds the whole settlement (period, supersede, workbook) in a
        # transaction that is rolled back; only one that would be stored is offered for confirmation.
        return _check_first(
            request,
            plan,
            key="settlement",
            form=form,
            action=action,
            summarise=lambda settlement: {
                "period": settlement.period,
                "totals": settlement.figures["totals"],
                "replaces": _replaced(settlement),
            },
        )
    return _handle(request, plan, key="settlement", form=form, action=action, success=_("已生成结算快照。"))


def _replaced(settlement):
    """The settlement this one supersedes (set by the service in the same transaction), or None."""
    try:
        return settlement.supersedes
    except ObjectDoesNotExist:
        return None


@login_required
def settlement_detail(request, year: int, pk: int):
    """A frozen settlement: the stored figures, never recomputed."""
    plan = plan_get_for_user(user=request.user, year=year)
    settlement = selectors.settlement_get_for_user(user=request.user, plan=plan, pk=pk)
    figures = settlement.figures
    return render(
        request,
        "subsidies/settlement.html",
        {
            "plan": plan,
            "settlement": settlement,
            "figures": figures,
            "ruled_types": [t for t in figures["types"] if t["has_rule"]],
            "unruled_types": [t for t in figures["types"] if not t["has_rule"]],
            "area_classes": selectors.AREA_CLASSES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subsidy_rules(request, year: int):
    """The plan's rules with their history; finance bureau and city office may change a rate."""
    plan = plan_get_for_user(user=request.user, year=year)
    rules = list(selectors.subsidy_rules_for_user(user=request.user, plan=plan))
    can_edit = RuleEditors.allows(request.user)
    periods = plan.periods()
    bound_form, bound_rule_id, status = None, None, 200
    if request.method == "POST":
        RuleEditors.check(request.user)
        rule = selectors.subsidy_rule_get_for_user(user=request.user, plan=plan, pk=request.POST.get("rule"))
        form = RuleForm(request.POST, prefix=f"rule{rule.pk}", periods=periods)
        if form.is_valid():
            try:
                old = rule.amount
                services.subsidy_rule_update(
                    rule=rule,
                    amount=form.cleaned_data["amount"],
                    effective_from=form.cleaned_data["effective_from"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已将“%(rule)s”由 %(old)s 元改为 %(new)s 元，自 %(month)s 起生效。")
                    % {
                        "rule": f"{rule.retrofit_type.name} {rule.get_area_class_display()} {rule.get_level_display()}",
                        "old": selectors.money_str(old),
                        "new": selectors.money_str(form.cleaned_data["amount"]),
                        "month": form.cleaned_data["effective_from"],
                    },
                )
                return redirect("subsidy-rules", year=plan.year)
        bound_form, bound_rule_id, status = form, rule.pk, 400
    items = []
    rate_periods = rates.rule_periods(plan=plan)
    for rule in rules:
        form = None
        if can_edit:
            form = (
                bound_form
                if rule.pk == bound_rule_id
                else RuleForm(prefix=f"rule{rule.pk}", initial={"amount": rule.amount}, periods=periods)
            )
        items.append({"rule": rule, "form": form, "periods": rate_periods.get(rule.pk, [])})
    return render(
        request,
        "subsidies/rules.html",
        {
            "plan": plan,
            "items": items,
            "can_edit": can_edit,
            "changes": selectors.rule_changes_for_user(user=request.user, plan=plan),
        },
        status=status,
    )
