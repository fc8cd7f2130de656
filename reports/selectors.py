"""Reads of reports and progress. All report scoping lives here (``reports_for_user``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from counties.models import Plan
from counties.selectors import scope_for_user
from reports.models import Report, ReportLine, ReportStatus


def reports_for_user(*, user) -> QuerySet[Report]:
    """Every report the user may read.

    - city office, finance, admin: all;
    - department: every county report (its lines are narrowed to the department's types by
      ``lines_for_user``) and its own department reports;
    - county clerk: its own county's reports;
    - anyone else: none.
    """
    scope = scope_for_user(user)
    queryset = Report.objects.select_related("plan", "county")
    if scope.role is None:
        return queryset.none()
    if scope.is_clerk:
        return queryset.filter(county_id=scope.county_id)
    if scope.role == "department":
        from django.db.models import Q

        return queryset.filter(Q(county__isnull=False) | Q(department=scope.department_name))
    return queryset


def report_get_for_user(*, user, pk) -> Report:
    try:
        return reports_for_user(user=user).get(pk=int(pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该月报。")) from None


def lines_for_user(*, user, report: Report) -> QuerySet[ReportLine]:
    scope = scope_for_user(user)
    lines = report.lines.select_related("retrofit_type")
    if scope.type_ids is not None:
        lines = lines.filter(retrofit_type_id__in=scope.type_ids)
    return lines


@dataclass(frozen=True)
class Units:
    households: int = 0
    area_m2: Decimal = Decimal("0")


def report_units(
    *,
    plan: Plan,
    period: str,
    statuses=(ReportStatus.APPROVED,),
    county_ids=None,
    type_ids=None,
    only_period: bool = False,
) -> dict[tuple[int, int, str], Units]:
    """Units reported per (county id, retrofit type id, area class), summed in the database.

    ``period`` is inclusive: reports for that month and every earlier one (or only that month with
    ``only_period``). Official progress uses approved reports only; pass
    ``statuses=(ReportStatus.SUBMITTED,)`` for the pending figures. One query.
    """
    lines = ReportLine.objects.filter(
        report__plan=plan, report__status__in=list(statuses), report__county__isnull=False
    )
    lines = lines.filter(report__period=period) if only_period else lines.filter(report__period__lte=period)
    if county_ids is not None:
        lines = lines.filter(report__county_id__in=county_ids)
    if type_ids is not None:
        lines = lines.filter(retrofit_type_id__in=type_ids)
    rows = lines.values("report__county_id", "retrofit_type_id", "area_class").annotate(
        households=Sum("households"), area_m2=Sum("area_m2")
    )
    return {
        (row["report__county_id"], row["retrofit_type_id"], row["area_class"]): Units(
            households=row["households"] or 0, area_m2=row["area_m2"] or Decimal("0")
        )
        for row in rows
    }
