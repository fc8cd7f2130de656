"""The inspections' role rules (counties/permissions.py explains the pattern); scoping stays in selectors."""

from counties.permissions import RolePermission
from inspections import selectors


class DrawsSamples(RolePermission):
    roles = selectors.SAMPLE_WRITE_ROLES


class RecordsVisits(RolePermission):
    roles = selectors.VISIT_WRITE_ROLES


class ResolvesRectifications(RolePermission):
    roles = selectors.RECT_RESOLVE_ROLES


class ClosesRectifications(RolePermission):
    roles = selectors.RECT_CLOSE_ROLES


class ExportsInspections(RolePermission):
    roles = selectors.EXPORT_ROLES
