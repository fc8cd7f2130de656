"""Writes of monthly reports: the workflow draft → submitted → approved / returned → resubmitted.

Every function takes the acting user, checks the role may act (403), validates everything before
writing (400 with field paths such as ``lines.0.households``), refuses a stale ``version`` (409),
and records an audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import ConflictError
from counties.models import AreaClass, County, Plan, RetrofitType, Role
from counties.selectors import plan_types, scope_for_user
from reports.models import NARRATIVE_MAX_LENGTH, Report, ReportAction, ReportEvent, ReportLine, ReportStatus
from reports.periods import clean_period, period_deadline, previous_period
from reports.permissions import CityOfficeOnly
from reports.selectors import report_units

# Cumulative progress above this share of the target needs an explanation in the narrative.
EXPLAIN_ABOVE = Decimal("1.5")
EXPLANATION_MIN_LENGTH = 10
REASON_MAX_LENGTH = 1000
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass(frozen=True)
class LineInput:
    retrofit_type: RetrofitType
    area_class: str
    households: int
    area_m2: Decimal

    @property
    def key(self) -> str:
        return f"{self.retrofit_type.code}/{self.area_class}"

    @property
    def value(self):
        return self.area_m2 if self.retrofit_type.is_area else self.households


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_households(value, path: str, errors: dict) -> int:
    if _is_blank(value):
        return 0
    if isinstance(value, bool):
        errors[path] = [_("户数应为非负整数。")]
        return 0
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[path] = [_("户数“%(value)s”不是数字。") % {"value": value}]
        return 0
    if not number.is_finite() or number != number.to_integral_value():
        errors[path] = [_("户数应为整数，不能有小数（%(value)s）。") % {"value": value}]
        return 0
    if number < 0:
        errors[path] = [_("户数不能为负数（%(value)s）。") % {"value": value}]
        return 0
    if number > 10_000_000:
        errors[path] = [_("户数过大（%(value)s），请核对。") % {"value": value}]
        return 0
    return int(number)


def _clean_area(value, path: str, errors: dict) -> Decimal:
    if _is_blank(value):
        return Decimal("0")
    if isinstance(value, (bool, float)):
        errors[path] = [_('面积请以数字字符串填写，如 "5000" 或 "5000.50"。')]
        return Decimal("0")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[path] = [_("面积“%(value)s”不是数字。") % {"value": value}]
        return Decimal("0")
    if not number.is_finite() or number < 0:
        errors[path] = [_("面积不能为负数（%(value)s）。") % {"value": value}]
        return Decimal("0")
    if number != number.quantize(Decimal("0.01")):
        errors[path] = [_("面积最多保留两位小数（%(value)s）。") % {"value": value}]
        return Decimal("0")
    if number >= Decimal("1e12"):
        errors[path] = [_("面积过大（%(value)s），请核对。") % {"value": value}]
        return Decimal("0")
    return number


def clean_lines(*, plan: Plan, raw_lines) -> list[LineInput]:
    """Validate raw lines ``[{"type", "area_class", "households" | "area_m2"}]``; all errors at once."""
    if raw_lines is None:
        return []
    if not isinstance(raw_lines, (list, tuple)):
        raise ValidationError({"lines": [_("lines 应为列表。")]})
    types = {t.code: t for t in plan_types(plan=plan)}
    errors: dict[str, list[str]] = {}
    lines: list[LineInput] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_lines):
        prefix = f"lines.{index}"
        if not isinstance(raw, dict):
            errors[prefix] = [_("每一行应为对象。")]
            continue
        code = raw.get("type")
        retrofit_type = types.get(code) if isinstance(code, str) else None
        if retrofit_type is None:
            errors[f"{prefix}.type"] = [
                _("未知的改造类型“%(code)s”；可选：%(choices)s。") % {"code": code, "choices": "、".join(types)}
            ]
        area_class = raw.get("area_class")
        if area_class not in AreaClass.values:
            errors[f"{prefix}.area_class"] = [
                _("未知的城乡类别“%(value)s”；应为 urban（中心城区及县城）或 rural（农村）。") % {"value": area_class}
            ]
        if retrofit_type is None or area_class not in AreaClass.values:
            continue
        if (code, area_class) in seen:
            errors[prefix] = [_("%(type)s（%(area)s）重复填写。") % {"type": retrofit_type.name, "area": area_class}]
            continue
        seen.add((code, area_class))
        if retrofit_type.is_area:
            if not _is_blank(raw.get("households")) and str(raw.get("households")).strip() not in ("0",):
                errors[f"{prefix}.households"] = [
                    _("%(type)s按面积（area_m2）填报，不填户数。") % {"type": retrofit_type.name}
                ]
            area = _clean_area(raw.get("area_m2"), f"{prefix}.area_m2", errors)
            lines.append(LineInput(retrofit_type, area_class, 0, area))
        else:
            if not _is_blank(raw.get("area_m2")) and str(raw.get("area_m2")).strip() not in ("0",):
                errors[f"{prefix}.area_m2"] = [_("%(type)s按户数填报，不填面积。") % {"type": retrofit_type.name}]
            households = _clean_households(raw.get("households"), f"{prefix}.households", errors)
            lines.append(LineInput(retrofit_type, area_class, households, Decimal("0")))
    if errors:
        raise ValidationError(errors)
    return lines


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


def over_target(*, report: Report, lines: list[LineInput]) -> list[dict]:
    """Types whose cumulative (approved before this month + this month) exceeds the target.

    Each item: type, target, cumulative, rate, needs_explanation (above 150 %).
    """
    from counties.models import Target

    if report.county_id is None or not lines:
        return []
    plan = report.plan
    before = report_units(plan=plan, period=previous_period(report.period), county_ids=[report.county_id])
    targets = dict(
        Target.objects.filter(plan=plan, county_id=report.county_id).values_list("retrofit_type_id", "households")
    )
    this_month: dict[int, Decimal] = {}
    types: dict[int, RetrofitType] = {}
    for line in lines:
        types[line.retrofit_type.pk] = line.retrofit_type
        amount = line.area_m2 / plan.m2_per_household if line.retrofit_type.is_area else Decimal(line.households)
        this_month[line.retrofit_type.pk] = this_month.get(line.retrofit_type.pk, Decimal(0)) + amount
    result = []
    for type_id, amount in this_month.items():
        retrofit_type = types[type_id]
        previous = Decimal(0)
        for area_class in AreaClass.values:
            units = before.get((report.county_id, type_id, area_class))
            if units:
                previous += units.area_m2 / plan.m2_per_household if retrofit_type.is_area else units.households
        cumulative = previous + amount
        target = Decimal(targets.get(type_id, 0))
        if cumulative > target:
            result.append(
                {
                    "type": retrofit_type.code,
                    "type_name": retrofit_type.name,
                    "target": target,
                    "cumulative": cumulative,
                    "needs_explanation": cumulative > target * EXPLAIN_ABOVE,
                }
            )
    return result


def _check_explanation(report: Report, lines: list[LineInput], narrative: str) -> None:
    needing = [item for item in over_target(report=report, lines=lines) if item["needs_explanation"]]
    if needing and len(narrative.strip()) < EXPLANATION_MIN_LENGTH:
        names = "、".join(item["type_name"] for item in needing)
        raise ValidationError(
            {
                "narrative": [
                    _("%(types)s累计完成超过目标任务的150%%，请在“当月工作推进情况”中说明原因（至少 %(n)d 字）。")
                    % {"types": names, "n": EXPLANATION_MIN_LENGTH}
                ]
            }
        )


def _line_snapshot(report: Report) -> dict[str, str]:
    return {
        f"{line.retrofit_type.code}/{line.area_class}": str(
            line.area_m2 if line.retrofit_type.is_area else line.households
        )
        for line in report.lines.select_related("retrofit_type")
    }


def _diff(before: dict, after: dict) -> dict:
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, "0"), after.get(key, "0")
        if Decimal(old) != Decimal(new):
            changes[key] = {"before": old, "after": new}
    return changes


def _replace_lines(report: Report, lines: list[LineInput]) -> None:
    report.lines.all().delete()
    ReportLine.objects.bulk_create(
        [
            ReportLine(
                report=report,
                retrofit_type=line.retrofit_type,
                area_class=line.area_class,
                households=line.households,
                area_m2=line.area_m2,
            )
            for line in lines
            if line.households or line.area_m2
        ]
    )


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
        deadline=period_deadline(period),
        narrative=narrative,
        problems=problems,
        created_by=user,
    )
    _check_explanation(report, clean, narrative)
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two clerks pressed "save" for the same month at the same moment.
        raise ValidationError({"period": [_("该县（市、区）本月的月报已存在。")]}) from None
    _replace_lines(report, clean)
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
    _require_editable(report)
    before_lines = _line_snapshot(report)
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
    _check_explanation(report, clean, report.narrative)
    if lines is not None:
        _replace_lines(report, clean)
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
    _require_editable(report)
    if not report.narrative.strip():
        raise ValidationError({"narrative": [_("报送前请填写“当月工作推进情况”。")]})
    _check_explanation(report, _current_lines(report), report.narrative)
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


@dataclass
class ReminderResult:
    period: str
    reminded: list[str]
    skipped_today: list[str]
    without_email: list[str]


@transaction.atomic
def reminders_send(*, plan: Plan, period: str, today=None) -> ReminderResult:
    """E-mail each county clerk whose report for ``period`` is missing or still a draft.

    A county is reminded at most once a day for a period (the Reminder row is the lock).
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mass_mail

    from reports.models import Reminder
    from reports.states import REPORT_STATE_FIELDS, report_state

    today = today or timezone.localdate()
    deadline = period_deadline(period)
    # The same decision as the status grid and the bulletin: a draft is not a report.
    done = {
        r["county_id"]
        for r in Report.objects.filter(plan=plan, period=period, county__isnull=False).values(*REPORT_STATE_FIELDS)
        if report_state(r, period=period, today=today).reported
    }
    counties = list(County.objects.filter(files_reports=True, targets__plan=plan).distinct().exclude(pk__in=done))
    already = set(
        Reminder.objects.filter(county__in=counties, period=period, sent_on=today).values_list("county_id", flat=True)
    )
    clerks: dict[int, list[str]] = {}
    for county_id, email in (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COUNTY_CLERK.value, profile__county__in=counties)
        .exclude(email="")
        .values_list("profile__county_id", "email")
    ):
        clerks.setdefault(county_id, []).append(email)
    result = ReminderResult(period=period, reminded=[], skipped_today=[], without_email=[])
    messages = []
    for county in counties:
        if county.pk in already:
            result.skipped_today.append(county.name)
            continue
        recipients = clerks.get(county.pk, [])
        if not recipients:
            result.without_email.append(county.name)
            continue
        subject = f"【运城市清洁取暖办】请尽快报送{county.name} {period} 月报"
        body = (
            f"{county.name}：\n\n按照《{plan.title}》要求，各县（市、区）应于每月月底前报送当月工作推进情况和目标任务完成情况。"
            f"贵单位 {period} 月报（截止日 {deadline:%Y-%m-%d}）尚未报送，请登录运城市冬季清洁取暖进度填报系统尽快填报。\n\n"
            "市清洁取暖办"
        )
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
        Reminder.objects.create(county=county, period=period, sent_on=today, recipients=len(recipients))
        result.reminded.append(county.name)
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return result
