"""The roster's role rules (counties/permissions.py explains the pattern); scoping stays in selectors."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from counties.permissions import HasRole, RolePermission
from households import hardship, selectors


class ReadsRoster(RolePermission):
    roles = selectors.READ_ROLES


class WritesRoster(RolePermission):
    roles = selectors.WRITE_ROLES


class RecordsAcceptance(RolePermission):
    roles = selectors.ACCEPT_ROLES


class SeesWholeIds(RolePermission):
    roles = selectors.WHOLE_ID_ROLES


class RecordsPayment(RolePermission):
    roles = selectors.PAYMENT_ROLES


def api_rules(*rules: type[RolePermission]) -> list:
    """An API view's ``permission_classes``: signed in, with a role, and each of ``rules``."""
    return [permissions.IsAuthenticated, HasRole, *rules]


class ReadsHardship(RolePermission):
    roles = hardship.READ_ROLES


class RecordsGuarantee(RolePermission):
    roles = hardship.WRITE_ROLES
    message = _("只有本县（市、区）或市清洁取暖办可以填报困难群众兜底政策。")
