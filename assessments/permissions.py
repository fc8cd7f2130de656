"""Role rules of the assessment, declared once for the pages, the API views and the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from counties.models import Role
from counties.permissions import RolePermission

# Who reads assessments at all; *which* assessment and county each sees is scoping (selectors).
READ_ROLES = (Role.CITY_OFFICE, Role.ADMIN, Role.FINANCE, Role.DEPARTMENT, Role.COUNTY_CLERK)


class AssessmentReaders(RolePermission):
    roles = READ_ROLES
    message = _("您的角色无权查看年终考核。")


class AssessmentManagers(RolePermission):
    """The scheme, air quality, computing, 加减分, publication, answers and finalisation: the city office."""

    roles = (Role.CITY_OFFICE, Role.ADMIN)
    message = _("只有市清洁取暖办可以办理年终考核。")


class Objectors(RolePermission):
    """An objection comes from a county: its clerk, for its own county only (scoping)."""

    roles = (Role.COUNTY_CLERK,)
    message = _("只有县（市、区）填报员可以对本县考核结果提出异议。")
