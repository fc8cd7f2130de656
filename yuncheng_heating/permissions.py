from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class HasRole(permissions.BasePermission):
    """A signed-in account without a role (no group) sees nothing: 403 rather than empty lists."""

    message = _("您的账号尚未分配角色，请联系系统管理员。")

    def has_permission(self, request, view):
        from counties.selectors import scope_for_user

        return scope_for_user(request.user).role is not None
