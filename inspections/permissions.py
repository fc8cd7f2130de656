"""The inspections' role rules (counties/permissions.py explains the pattern); scoping stays in selectors."""

from rest_framework import permissions

from counties.permissions import HasRole, RolePermission
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


class ReadsSamples(RolePermission):
    roles = selectors.SAMPLE_READ_ROLES


class ReadsVisits(RolePermission):
    roles = selectors.VISIT_READ_ROLES


class ReadsRectifications(RolePermission):
    roles = selectors.RECT_READ_ROLES


class ReadsSummary(RolePermission):
    roles = selectors.SUMMARY_ROLES


def api_rules(*rules: type[RolePermission], writes: type[RolePermission] | None = None) -> list:
    """An API view's ``permission_classes``: signed in, with a role, each of ``rules``; and ``writes`` for
    its unsafe methods only (a list that is read by some roles and added to by fewer)."""
    return [permissions.IsAuthenticated, HasRole, *rules, *([_for_writes(writes)] if writes else [])]


def _for_writes(rule: type[RolePermission]) -> type[RolePermission]:
    class ForWrites(rule):
        def has_permission(self, request, view) -> bool:
            return request.method in permissions.SAFE_METHODS or super().has_permission(request, view)

    ForWrites.__name__ = f"{rule.__name__}ForWrites"
    return ForWrites
