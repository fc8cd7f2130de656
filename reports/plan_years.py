"""The reports' part of a plan's life (registered with ``counties.plan_hooks``): a year is not closed
while months still wait for review."""

from __future__ import annotations

from django.utils.translation import gettext as _

from counties.models import Plan
from reports.models import Report, ReportStatus


def plan_close_waiting_reviews(*, plan: Plan) -> list[str]:
    waiting = Report.objects.filter(plan=plan, status=ReportStatus.SUBMITTED)
    count = waiting.count()
    if not count:
        return []
    periods = sorted(set(waiting.values_list("period", flat=True)))
    return [
        _("还有 %(n)d 份月报等待审核（%(periods)s），请审核后再结束该年度。")
        % {"n": count, "periods": "、".join(periods)}
    ]
