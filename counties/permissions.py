"""Role rules, declared once and used by the pages, the API views and the services alike.

A rule is a DRF permission class. The API lists it in ``permission_classes``; a page view is wrapped
in ``@page_permission(Rule)``, which answers as the API does (anonymous → the login page, a role the
rule does not admit → 403); a service that must refuse whatever its caller calls ``Rule.check(user)``.
Which *objects* a user may see is not a role rule: that is scoping, in the ``*_for_user`` selectors.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from counties.models import Role
from counties.selectors import scope_for_user

NO_ROLE_MESSAGE = _("您的账号尚未分配角色，请联系系统管理员。")


class RolePermission(permissions.BasePermission):
    """Admits the roles in ``roles`` (subclasses name them)."""

    roles: tuple[Role, ...] = ()
    message = _("您的角色无权执行该操作。")

    def has_permission(self, request, view) -> bool:
        return self.allows(request.user)

    @classmethod
    def allows(cls, user) -> bool:
        return scope_for_user(user).role in cls.roles

    @classmethod
    def check(cls, user) -> None:
        """Raise ``PermissionDenied`` (403 in pages and API) unless the user's role is admitted."""
        if not cls.allows(user):
            raise PermissionDenied(cls.message)


class HasRole(RolePermission):
    """A signed-in account without a role (no group) sees nothing: 403 rather than empty lists."""

    message = NO_ROLE_MESSAGE

    @classmethod
    def allows(cls, user) -> bool:
        return scope_for_user(user).role is not None


def page_permission(*rules: type[RolePermission]):
    """Wrap a page view: sign-in required, then every rule must admit the user (else 403)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            for rule in rules:
                rule.check(request.user)
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


class TargetAdjusters(RolePermission):
    """Recording a target adjustment: the city office (and the administrator acting for it)."""

    roles = (Role.CITY_OFFICE, Role.ADMIN)
    message = _("只有市清洁取暖办可以调整目标任务。")


class PlanManagers(RolePermission):
    """Starting, editing, publishing and closing a plan year: the city office (and the administrator)."""

    roles = (Role.CITY_OFFICE, Role.ADMIN)
    message = _("只有市清洁取暖办可以新建、下达或结束年度方案。")
