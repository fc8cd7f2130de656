"""Reminders to the county clerks whose month is missing or still a draft (sent by ``remind_overdue``
and the daily task)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from counties.models import County, Plan, Role
from reports.models import Report
from reports.periods import period_deadline


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
    deadline = period_deadline(period, plan=plan)
    # The same decision as the status grid and the bulletin: a draft is not a report.
    done = {
        r["county_id"]
        for r in Report.objects.filter(plan=plan, period=period, county__isnull=False).values(*REPORT_STATE_FIELDS)
        if report_state(r, period=period, today=today, plan=plan).reported
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
