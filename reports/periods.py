"""Reporting months (``YYYY-MM``): parsing and checking them against a plan and the calendar."""

from __future__ import annotations

import calendar
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import Plan

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(value) -> tuple[int, int]:
    match = PERIOD_RE.match(str(value or "").strip())
    if not match:
        raise ValidationError(_("月份“%(value)s”格式不正确，应为 YYYY-MM，如 2021-07。") % {"value": value})
    return int(match.group(1)), int(match.group(2))


def period_deadline(period: str, *, plan: Plan | None = None) -> date:
    """Reports are due before the end of their month (its last day), or on the plan's
    ``report_due_day`` of the following month when the plan sets one."""
    year, month = parse_period(period)
    if plan is not None and plan.report_due_day:
        return plan.period_deadline(f"{year}-{month:02d}")
    return date(year, month, calendar.monthrange(year, month)[1])


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def current_period(today: date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}-{today.month:02d}"


def clean_period(value, *, plan: Plan, today: date | None = None) -> str:
    """A month the plan expects reports for and that has begun; ValidationError otherwise."""
    year, month = parse_period(value)
    period = f"{year}-{month:02d}"
    if period not in plan.periods():
        raise ValidationError(
            _("月份 %(period)s 不在%(plan)s的报送期（%(first)s 至 %(last)s）内。")
            % {"period": period, "plan": plan.title, "first": plan.first_period, "last": plan.last_period}
        )
    if period > current_period(today):
        raise ValidationError(_("不能填报尚未开始的月份（%(period)s）。") % {"period": period})
    return period


def default_as_of_period(*, plan: Plan, today: date | None = None) -> str:
    """The current month while the plan runs; before it, its first month; after it, its last."""
    periods = plan.periods()
    now = current_period(today)
    if now in periods:
        return now
    return periods[0] if now < periods[0] else periods[-1]


def clean_as_of_period(value, *, plan: Plan) -> str:
    """An as-of month for progress views: a month of the plan, or the default when empty."""
    if value is None or str(value).strip() == "":
        return default_as_of_period(plan=plan)
    year, month = parse_period(value)
    period = f"{year}-{month:02d}"
    if period not in plan.periods():
        raise ValidationError(
            _("月份 %(period)s 不在%(plan)s的报送期（%(first)s 至 %(last)s）内。")
            % {"period": period, "plan": plan.title, "first": plan.first_period, "last": plan.last_period}
        )
    return period
