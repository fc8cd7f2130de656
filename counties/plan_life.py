"""A plan's life: draft → published → closed, and the guards every write of a year passes.

The city office starts a year (copied from an earlier one), publishes it when its targets are in, and
closes it after its last reporting month; a closed year's reports, payments and settlements refuse every
write (409). Targets and loading are in ``counties.services``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import ConflictError
from counties.models import Plan, PlanStatus, Target
from counties.permissions import PlanManagers
from counties.plan_hooks import plan_close_checks, plan_copiers


def plan_closed_message(plan: Plan) -> str:
    return _("%(year)d年度已结束，月报、资金拨付和结算均为只读，不能再修改。") % {"year": plan.year}


def plan_require_writable(*, plan: Plan) -> None:
    """Refuse (409) any write to a closed year's reports, payments and settlements."""
    if Plan.objects.filter(pk=plan.pk, status=PlanStatus.CLOSED).exists():
        raise ConflictError(plan_closed_message(plan))


def plan_require_published(*, plan: Plan) -> None:
    """Monthly reports are filed for a published year only: a draft has not been issued; a closed year is read-only."""
    status = Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
    if status == PlanStatus.DRAFT:
        raise ConflictError(_("%(year)d年度方案尚未下达，不能填报月报。") % {"year": plan.year})
    if status == PlanStatus.CLOSED:
        raise ConflictError(plan_closed_message(plan))


def _clean_plan_fields(
    *, year, title, document_number, document_date, deadline, report_due_day, existing: bool = False
) -> dict:
    errors: dict[str, list[str]] = {}
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("年度应为 2000 至 2100 之间的整数。")]
    elif not existing and Plan.objects.filter(year=year).exists():
        errors["year"] = [_("%(year)d年度方案已存在。") % {"year": year}]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写方案名称。")]
    for name, value in (("document_date", document_date), ("deadline", deadline)):
        if not isinstance(value, date):
            errors[name] = [_("请输入有效的日期。")]
    if isinstance(document_date, date) and isinstance(deadline, date) and deadline < document_date:
        errors["deadline"] = [_("完成期限早于印发日期。")]
    if report_due_day is not None and (
        isinstance(report_due_day, bool) or not isinstance(report_due_day, int) or not 1 <= report_due_day <= 28
    ):
        errors["report_due_day"] = [_("月报截止日应为 1 至 28 之间的整数，或留空（当月最后一天）。")]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "document_number": (document_number or "").strip()}


@transaction.atomic
def plan_create(
    *,
    user,
    year: int,
    title: str,
    document_date: date,
    deadline: date,
    document_number: str = "",
    report_due_day: int | None = None,
    copy_from: Plan | None = None,
) -> Plan:
    """Start a year as a draft; with ``copy_from`` its targets, m² per household, grid settings and
    (through the hooks) subsidy rates are copied from that earlier plan, to be edited before publishing."""
    PlanManagers.check(user)
    clean = _clean_plan_fields(
        year=year,
        title=title,
        document_number=document_number,
        document_date=document_date,
        deadline=deadline,
        report_due_day=report_due_day,
    )
    plan = Plan(
        year=year,
        status=PlanStatus.DRAFT,
        document_date=document_date,
        deadline=deadline,
        report_due_day=report_due_day,
        created_by=user,
        created_at=timezone.now(),
        **clean,
    )
    if copy_from is not None:
        plan.m2_per_household = copy_from.m2_per_household
        plan.grid_city_total = copy_from.grid_city_total
        plan.grid_county_rate = copy_from.grid_county_rate
    plan.full_clean()
    plan.save()
    if copy_from is not None:
        Target.objects.bulk_create(
            Target(
                plan=plan,
                county_id=t.county_id,
                retrofit_type_id=t.retrofit_type_id,
                households=t.households,
                area_m2=t.area_m2,
            )
            for t in copy_from.targets.all()
        )
        for copy_section in plan_copiers():
            copy_section(source=copy_from, plan=plan)
    return plan


def plan_require_draft(*, plan: Plan) -> None:
    """A draft's own fields are fixed once it is published (409), on its page and in the service alike."""
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(
            _("%(year)d年度方案%(status)s，不能再修改方案信息。")
            % {"year": plan.year, "status": plan.get_status_display()}
        )


@transaction.atomic
def plan_update(
    *,
    user,
    plan: Plan,
    title: str,
    document_date: date,
    deadline: date,
    document_number: str = "",
    report_due_day: int | None = None,
) -> Plan:
    """Edit a draft's own fields (title, 文号, dates, reporting day); a published year's are fixed (409)."""
    PlanManagers.check(user)
    plan = _lock(plan)
    plan_require_draft(plan=plan)
    clean = _clean_plan_fields(
        year=plan.year,
        title=title,
        document_number=document_number,
        document_date=document_date,
        deadline=deadline,
        report_due_day=report_due_day,
        existing=True,
    )
    plan.title, plan.document_number = clean["title"], clean["document_number"]
    plan.document_date, plan.deadline, plan.report_due_day = document_date, deadline, report_due_day
    plan.full_clean()
    plan.save(update_fields=["title", "document_number", "document_date", "deadline", "report_due_day"])
    return plan


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_publish(*, user, plan: Plan) -> Plan:
    """Issue a draft: clerks file for it from now on."""
    PlanManagers.check(user)
    plan = _lock(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(
            _("只能下达草稿状态的年度方案（%(year)d年度当前为%(status)s）。")
            % {"year": plan.year, "status": plan.get_status_display()}
        )
    if not plan.targets.filter(households__gt=0).exists():
        raise ConflictError(_("%(year)d年度方案还没有目标任务，请先导入目标任务表再下达。") % {"year": plan.year})
    plan.status = PlanStatus.PUBLISHED
    plan.published_by = user
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_by", "published_at"])
    return plan


def plan_close_blockers(*, plan: Plan, today: date | None = None) -> list[str]:
    """Why the year cannot be closed yet (empty: it can)."""
    today = today or timezone.localdate()
    if plan.status != PlanStatus.PUBLISHED:
        return [
            _("只能结束已下达的年度方案（%(year)d年度当前为%(status)s）。")
            % {"year": plan.year, "status": plan.get_status_display()}
        ]
    reasons = []
    last_due = plan.period_deadline(plan.last_period)
    if today <= last_due:
        reasons.append(
            _("最后一个报送月 %(period)s 的截止日 %(due)s 尚未过去，暂不能结束该年度。")
            % {"period": plan.last_period, "due": last_due.isoformat()}
        )
    for check in plan_close_checks():
        reasons.extend(check(plan=plan))
    return reasons


@transaction.atomic
def plan_close(*, user, plan: Plan, today: date | None = None) -> Plan:
    """Close a year after its last reporting month: its reports, payments and settlements become read-only."""
    PlanManagers.check(user)
    plan = _lock(plan)
    reasons = plan_close_blockers(plan=plan, today=today)
    if reasons:
        raise ConflictError(" ".join(reasons))
    plan.status = PlanStatus.CLOSED
    plan.closed_by = user
    plan.closed_at = timezone.now()
    plan.save(update_fields=["status", "closed_by", "closed_at"])
    return plan
