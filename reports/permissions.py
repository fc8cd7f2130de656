"""Role rules of reports, declared once for the pages, the API views and the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from counties.models import Role
from counties.permissions import RolePermission


class CityOfficeOnly(RolePermission):
    """Review (approve, return, reopen): the city office."""

    # An administrator acts as the city office (Scope.is_city_office).
    roles = (Role.CITY_OFFICE, Role.ADMIN)
    message = _("只有市清洁取暖办可以审核、退回或重新打开月报。")


class DashboardRoles(RolePermission):
    """The city dashboard, the status grid, trends and the progress export."""

    roles = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE, Role.DEPARTMENT)


class ProgressReaders(RolePermission):
    """The year-on-year comparison: every role that reads reports (the figures are the bulletin's,
    public city-wide); the field roles (inspector, acceptor) and accounts without a role are refused."""

    roles = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE, Role.DEPARTMENT, Role.COUNTY_CLERK)
