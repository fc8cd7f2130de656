"""What a county's month counts as (reported on time, late, missing, a draft...): one decision that the
status grid, the county page, the bulletin, the report list and the home pages' to-do lists share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from reports.models import Report, ReportStatus
from reports.periods import period_deadline

REPORT_STATE_FIELDS = ("pk", "county_id", "period", "status", "submitted_at", "deadline")


@dataclass(frozen=True)
class CellState:
    code: str  # missing / not_due / draft / on_time / late / returned / approved
    report_id: int | None = None
    submitted_at: object = None
    late: bool = False
    # A draft saved but never submitted (its code is "missing" once the deadline has passed).
    has_draft: bool = False

    @property
    def reported(self) -> bool:
        """Submitted at least once (a later return does not undo it); a draft never is."""
        return self.submitted_at is not None


def _submitted_late(submitted_at, deadline: date) -> bool:
    return submitted_at is not None and timezone.localdate(submitted_at) > deadline


def report_state(report: dict | None, *, period: str, today: date, plan=None) -> CellState:
    """The one decision of what a county's month counts as, for the status grid, the county page,
    the bulletin and the home pages' to-do lists.

    Only a submission is a report: after the deadline a draft counts as missing (未报送), exactly
    like a month never opened, so that saving a draft never makes a county look better. A month
    with no report is due by the ``plan``'s reporting day (a report keeps the deadline it was made with).
    """
    if report is None:
        return CellState("missing" if today > period_deadline(period, plan=plan) else "not_due")
    if report["status"] == ReportStatus.DRAFT:
        overdue = today > (report["deadline"] or period_deadline(period, plan=plan))
        return CellState("missing" if overdue else "draft", report_id=report["pk"], has_draft=True)
    late = _submitted_late(report["submitted_at"], report["deadline"])
    code = {ReportStatus.APPROVED: "approved", ReportStatus.RETURNED: "returned"}.get(
        report["status"], "late" if late else "on_time"
    )
    return CellState(code, report_id=report["pk"], submitted_at=report["submitted_at"], late=late)


def report_state_of(report: Report, *, today: date | None = None) -> CellState:
    """``report_state`` of one report object (the report list shows it beside each row)."""
    values = {
        "pk": report.pk,
        "status": report.status,
        "submitted_at": report.submitted_at,
        "deadline": report.deadline,
    }
    return report_state(values, period=report.period, today=today or timezone.localdate())


def with_states(reports) -> list[Report]:
    """The reports, each with its ``state`` (``report_state_of``) for the list to show."""
    today = timezone.localdate()
    rows = list(reports)
    for report in rows:
        report.state = report_state_of(report, today=today)
    return rows


def state_label(state: CellState) -> str:
    """The state in words, as the status grid's badge says it (exports and documents)."""
    from django.utils.translation import gettext as _

    labels = {
        "approved": _("已审核"),
        "on_time": _("按时报送"),
        "late": _("逾期报送"),
        "returned": _("已退回"),
        "draft": _("草稿"),
        "missing": _("未报送"),
    }
    label = labels.get(state.code, _("未到期"))
    if state.code == "approved" and state.late:
        label += _("（逾期报送）")
    elif state.code == "missing" and state.has_draft:
        label += _("（草稿未报送）")
    return label
