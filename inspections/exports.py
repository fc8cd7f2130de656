"""xlsx export of visit findings and rectifications, through the one writer (core/exports.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Column, Sheet, xlsx_response
from counties.models import Plan
from inspections import selectors


def _visit_rows(visits):
    for v in visits:
        h = v.household
        yield [
            v.county.name,
            h.township,
            h.village,
            h.head_name,
            h.id_number_masked,
            v.get_kind_display(),
            v.get_finding_display() if v.finding else "",
            v.get_acceptance_result_display() if v.acceptance_result else "",
            v.visited_at,
            v.created_by.get_full_name() or v.created_by.username,
            v.latitude,
            v.longitude,
            v.note,
            v.photo_count,
        ]


def _rect_rows(items, today):
    for r in items:
        h = r.household
        yield [
            r.county.name,
            h.township,
            h.village,
            h.head_name,
            h.id_number_masked,
            r.get_finding_display(),
            r.get_status_display(),
            r.opened_at,
            r.deadline,
            _("是") if selectors.is_overdue(r, today) else "",
            r.resolution_note,
            r.resolved_at,
            r.return_reason,
            r.closed_at,
        ]


def _household_columns() -> list[Column]:
    """The household each sheet's row is about (masked or whole ID as the user's role allows)."""
    return [
        Column(_("县（市、区）"), width=10),
        Column(_("乡镇"), width=10),
        Column(_("村"), width=10),
        Column(_("户主姓名"), width=10),
        Column(_("身份证号"), width=20),
    ]


def export_response(*, user, plan: Plan):
    from django.db.models import Count

    today = timezone.localdate()
    visits = (
        selectors.visits_for_user(user=user, plan=plan)
        .select_related("household", "county", "created_by")
        .annotate(photo_count=Count("photos"))
        .order_by("county__order", "household__township", "household__village", "visited_at", "pk")
    )
    items = selectors.rectifications_for_user(user=user, plan=plan).order_by("county__order", "deadline", "pk")
    visit_sheet = Sheet(
        name=_("检查结果"),
        title=_("%(year)d年现场检查结果") % {"year": plan.year},
        columns=[
            *_household_columns(),
            Column(_("类别"), width=8),
            Column(_("检查结果"), width=10),
            Column(_("验收结果"), width=8),
            Column(_("检查时间"), "datetime", width=16),
            Column(_("检查人员"), width=12),
            Column(_("纬度"), "decimal", width=11),
            Column(_("经度"), "decimal", width=11),
            Column(_("说明"), width=30),
            Column(_("照片数"), "int", width=7),
        ],
        rows=_visit_rows(visits),
    )
    rect_sheet = Sheet(
        name=_("整改"),
        title=_("%(year)d年整改事项") % {"year": plan.year},
        columns=[
            *_household_columns(),
            Column(_("问题"), width=10),
            Column(_("状态"), width=12),
            Column(_("下发时间"), "datetime", width=16),
            Column(_("整改期限"), "date", width=11),
            Column(_("逾期"), width=6),
            Column(_("整改情况"), width=30),
            Column(_("提交时间"), "datetime", width=16),
            Column(_("退回原因"), width=20),
            Column(_("销号时间"), "datetime", width=16),
        ],
        rows=_rect_rows(items, today),
    )
    return xlsx_response(filename=f"现场检查与整改-{plan.year}.xlsx", sheets=[visit_sheet, rect_sheet])
