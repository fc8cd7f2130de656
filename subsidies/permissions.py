"""Role rules of subsidies, declared once for the pages, the API views and the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from counties.models import Role
from counties.permissions import HasRole, RolePermission
from subsidies.selectors import READ_ROLES


class SubsidyReaders(RolePermission):
    """Money: finance, the city office, administrators, and county clerks (their own county's, by scoping).
    Departments and users without a role see no money anywhere."""

    roles = READ_ROLES
    message = _("您的角色无权查看补助资金。")


class SettlementReaders(RolePermission):
    """Settlements are city-wide documents: the roles that see every county's money."""

    roles = (Role.FINANCE, Role.CITY_OFFICE, Role.ADMIN)
    message = _("结算快照仅限市财政局、市清洁取暖办查看。")


class FinanceOnly(RolePermission):
    """Money moves (allocations, payments, voids of payments, settlements): the finance bureau."""

    roles = (Role.FINANCE,)
    message = _("只有市财政局可以办理资金分配、拨付、作废和结算。")


class RuleEditors(RolePermission):
    """Subsidy rates: the finance bureau or the city office (every change is audited)."""

    roles = (Role.FINANCE, Role.CITY_OFFICE)
    message = _("只有市财政局或市清洁取暖办可以修改补助标准。")


class GridInvestors(RolePermission):
    """Grid investments (record, void): the finance bureau, or a county clerk. *Which* county a clerk may
    act for is scoping, not a role rule: its scoped lookups find only its own county and its investments."""

    roles = (Role.FINANCE, Role.COUNTY_CLERK)
    message = _("只有本县填报员或市财政局可以登记配套电网投资。")


class GridInvestmentVoiders(GridInvestors):
    message = _("只有本县填报员或市财政局可以作废配套电网投资。")


class FinanceWrites(FinanceOnly):
    """For views whose GET any subsidy reader may use while their POST is the finance bureau's."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or super().has_permission(request, view)


# The API's defaults (signed in, with a role) come first, so that anonymous callers still get 401.
def api_rules(*rules: type[RolePermission]) -> list:
    return [permissions.IsAuthenticated, HasRole, *rules]
