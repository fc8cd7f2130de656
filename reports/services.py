"""Writes of monthly reports: the workflow draft → submitted → approved / returned → resubmitted.

Every function takes the acting user, checks the role may act (403), validates everything before
writing (400 with field paths such as ``lines.0.households``), refuses a stale ``version`` (409),
and records an audit event in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import ConflictError
from counties.models import County, Plan, Role
from counties.plan_life import plan_require_published, plan_require_writable
from counties.selectors import scope_for_user
from reports.lines import LineInput, check_explanation, check_not_blank, clean_lines, line_snapshot, replace_lines
from reports.models import NARRATIVE_MAX_LENGTH, Report, ReportAction, ReportEvent, ReportStatus
from reports.periods import clean_period, period_deadline
from reports.permissions import CityOfficeOnly

REASON_MAX_LENGTH = 1000
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _clean_text(value, field: str, label: str) -> str:
    text = "" if value is None else str(value)
    if len(text) > NARRATIVE_MAX_LENGTH:
        raise ValidationError(
            {
                field: [
                    _("%(label)s不能超过 %(max)d 字（现为 %(n)d 字）。")
                    % {"label": label, "max": NARRATIVE_MAX_LENGTH, "n": len(text)}
                ]
            }
        )
    return text.strip()


def _diff(before: dict, after: dict) -> dict:
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, "0"), after.get(key, "0")
        if Decimal(old) != Decimal(new):
            changes[key] = {"before": old, "after": new}
    return changes


def _record(report: Report, *, user, action: str, reason: str = "", changes: dict | None = None) -> None:
    ReportEvent.objects.create(
        report=report, actor=user, action=action, reason=reason, changes=changes or {}, version=report.version
    )


def _require_writer(user, report: Report) -> None:
    """Only the report's own county clerk (or own department) writes it."""
    scope = scope_for_user(user)
    if report.county_id is not None:
        if not (scope.is_clerk and scope.county_id == report.county_id):
            raise PermissionDenied(_("只有本县（市、区）填报员可以填报和修改本县月报。"))
    elif not (scope.role == Role.DEPARTMENT and scope.department_name == report.department):
        raise PermissionDenied(_("只有本部门可以填报和修改本部门月报。"))


def _require_reviewer(user) -> None:
    CityOfficeOnly.check(user)


def _lock_for_update(report: Report, version: int | None) -> Report:
    # of=("self",): county is nullable (department reports), and PostgreSQL cannot lock the
    # nullable side of an outer join.
    locked = Report.objects.select_for_update(of=("self",)).select_related("plan", "county").get(pk=report.pk)
    if version is not None and int(version) != locked.version:
        raise ConflictError(
            _(
                "该月报已被他人修改（当前版本 %(current)d，您提交的版本 %(given)d）。请刷新页面后重新修改，以免覆盖他人的内容。"
            )
            % {"current": locked.version, "given": int(version)},
            current_version=locked.version,
        )
    return locked


def _clean_version(version) -> int | None:
    if version is None:
        return None
    try:
        value = int(version)
    except (TypeError, ValueError):
        raise ValidationError({"version": [_("version 应为整数。")]}) from None
    if value < 1:
        raise ValidationError({"version": [_("version 应为正整数。")]})
    return value


@transaction.atomic
def report_create(
    *,
    user,
    plan: Plan,
    period,
    county: County | None = None,
    lines=None,
    narrative: str = "",
    problems: str = "",
) -> Report:
    """A new draft: a county report by that county's clerk, or a narrative report by a department."""
    scope = scope_for_user(user)
    if scope.is_clerk:
        if county is None or county.pk != scope.county_id:
            raise ValidationError({"county": [_("未找到该县（市、区），或您无权为其填报。")]})
        department = ""
    elif scope.role == Role.DEPARTMENT:
        if county is not None:
            raise PermissionDenied(_("市直部门只填报本部门月报，不能填报县（市、区）月报。"))
        if not scope.department_name:
            raise PermissionDenied(_("您的账号未设置所属部门，请联系系统管理员。"))
        department = scope.department_name
    else:
        raise PermissionDenied(_("您的角色不能填报月报。"))
    plan_require_published(plan=plan)

    period = _clean_field(lambda: clean_period(period, plan=plan), "period")
    if county is not None and not county.files_reports:
        raise ValidationError({"county": [_("%(county)s没有年度目标任务，无需报送月报。") % {"county": county.name}]})
    clean = clean_lines(plan=plan, raw_lines=lines)
    if department and clean:
        raise ValidationError({"lines": [_("市直部门月报只填写工作推进情况，不填完成数量。")]})
    narrative = _clean_text(narrative, "narrative", _("当月工作推进情况"))
    problems = _clean_text(problems, "problems", _("存在问题及下步打算"))

    existing = Report.objects.filter(plan=plan, period=period)
    existing = existing.filter(county=county) if county else existing.filter(county__isnull=True, department=department)
    if existing.exists():
        raise ValidationError(
            {
                "period": [
                    _("%(who)s %(period)s 的月报已存在，请打开已有月报修改。")
                    % {"who": county or department, "period": period}
                ]
            }
        )

    report = Report(
        plan=plan,
        county=county,
        department=department,
        period=period,
        deadline=period_deadline(period, plan=plan),
        narrative=narrative,
        problems=problems,
        created_by=user,
    )
    check_explanation(report, clean, narrative)
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two clerks pressed "save" for the same month at the same moment.
        raise ValidationError({"period": [_("该县（市、区）本月的月报已存在。")]}) from None
    replace_lines(report, clean)
    _record(
        report,
        user=user,
        action=ReportAction.CREATE,
        changes={"lines": _diff({}, {line.key: str(line.value) for line in clean if line.value})},
    )
    return report


def _clean_field(func, field: str):
    try:
        return func()
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def report_update(
    *, user, report: Report, version, lines=None, narrative: str | None = None, problems: str | None = None
) -> Report:
    """Edit a draft or returned report. ``lines`` (when given) replace all lines."""
    _require_writer(user, report)
    version = _clean_version(version)
    if version is None:
        raise ValidationError({"version": [_("请提供 version（您打开时的版本号），以免覆盖他人的修改。")]})
    report = _lock_for_update(report, version)
    plan_require_writable(plan=report.plan)
    _require_editable(report)
    before_lines = line_snapshot(report)
    changes: dict = {}
    if lines is not None:
        clean = clean_lines(plan=report.plan, raw_lines=lines)
        if report.county_id is None and clean:
            raise ValidationError({"lines": [_("市直部门月报只填写工作推进情况，不填完成数量。")]})
    else:
        clean = _current_lines(report)
    fields = {}
    if narrative is not None:
        value = _clean_text(narrative, "narrative", _("当月工作推进情况"))
        if value != report.narrative:
            fields["narrative"] = {"before": report.narrative, "after": value}
            report.narrative = value
    if problems is not None:
        value = _clean_text(problems, "problems", _("存在问题及下步打算"))
        if value != report.problems:
            fields["problems"] = {"before": report.problems, "after": value}
            report.problems = value
    check_explanation(report, clean, report.narrative)
    if lines is not None:
        replace_lines(report, clean)
        line_changes = _diff(before_lines, {line.key: str(line.value) for line in clean if line.value})
        if line_changes:
            changes["lines"] = line_changes
    if fields:
        changes["fields"] = fields
    if not changes:
        return report
    report.version += 1
    report.full_clean(validate_constraints=False)
    report.save()
    _record(report, user=user, action=ReportAction.EDIT, changes=changes)
    return report


def _current_lines(report: Report) -> list[LineInput]:
    return [
        LineInput(line.retrofit_type, line.area_class, line.households, line.area_m2)
        for line in report.lines.select_related("retrofit_type")
    ]


def _require_editable(report: Report) -> None:
    if report.status not in EDITABLE:
        raise ValidationError({"non_field_errors": [lock_reason(report)]})


def lock_reason(report: Report, *, for_owner: bool = True) -> str:
    """Why a report cannot be edited. The advice (ask the city office to return it) is for the
    clerk who owns it; a reviewer or reader gets the plain state instead."""
    if report.status == ReportStatus.SUBMITTED:
        if for_owner:
            return _("该月报已报送，正在等待市清洁取暖办审核，暂不能修改；如需修改请联系市清洁取暖办退回。")
        return _("该月报已报送，等待审核；审核通过或退回前，填报单位不能修改。")
    if report.status == ReportStatus.APPROVED:
        if for_owner:
            return _("该月报已审核通过并锁定；只有市清洁取暖办可以说明原因后重新打开。")
        return _("该月报已审核通过并锁定。")
    return ""


@transaction.atomic
def report_submit(*, user, report: Report, version=None) -> Report:
    _require_writer(user, report)
    report = _lock_for_update(report, _clean_version(version))
    plan_require_writable(plan=report.plan)
    _require_editable(report)
    # Both refusals at once: a blank month with no narrative is told both what to fill and to explain.
    errors = {}
    try:
        check_not_blank(report)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not report.narrative.strip():
        errors["narrative"] = [_("报送前请填写“当月工作推进情况”。")]
    if errors:
        raise ValidationError(errors)
    check_explanation(report, _current_lines(report), report.narrative)
    now = timezone.now()
    if report.submitted_at is None:
        report.submitted_at = now
    report.last_submitted_at = now
    report.status = ReportStatus.SUBMITTED
    report.version += 1
    report.save()
    _record(report, user=user, action=ReportAction.SUBMIT)
    return report


@transaction.atomic
def report_approve(*, user, report: Report, version=None) -> Report:
    _require_reviewer(user)
    report = _lock_for_update(report, _clean_version(version))
    plan_require_writable(plan=report.plan)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("只能审核已报送的月报（当前状态：%(status)s）。") % {"status": report.get_status_display()}
                ]
            }
        )
    report.status = ReportStatus.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = user
    report.return_reason = ""
    report.version += 1
    report.save()
    _record(report, user=user, action=ReportAction.APPROVE)
    return report


def _clean_reason(reason) -> str:
    text = "" if reason is None else str(reason).strip()
    if not text:
        raise ValidationError({"reason": [_("请填写原因。")]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [_("原因不能超过 %(max)d 字。") % {"max": REASON_MAX_LENGTH}]})
    return text


@transaction.atomic
def report_return(*, user, report: Report, reason, version=None) -> Report:
    _require_reviewer(user)
    reason = _clean_reason(reason)
    report = _lock_for_update(report, _clean_version(version))
    plan_require_writable(plan=report.plan)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("只能退回已报送的月报（当前状态：%(status)s）。") % {"status": report.get_status_display()}
                ]
            }
        )
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.version += 1
    report.save()
    _record(report, user=user, action=ReportAction.RETURN, reason=reason)
    return report


@transaction.atomic
def report_reopen(*, user, report: Report, reason, version=None) -> Report:
    """Unlock an approved report so that its county can correct it; it leaves official progress."""
    _require_reviewer(user)
    reason = _clean_reason(reason)
    report = _lock_for_update(report, _clean_version(version))
    plan_require_writable(plan=report.plan)
    if report.status != ReportStatus.APPROVED:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("只能重新打开已审核通过的月报（当前状态：%(status)s）。")
                    % {"status": report.get_status_display()}
                ]
            }
        )
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.approved_at = None
    report.approved_by = None
    report.version += 1
    report.save()
    _record(report, user=user, action=ReportAction.REOPEN, reason=reason)
    return report
