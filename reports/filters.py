"""Query parameters of the report list, as a django-filter FilterSet.

The FilterSet narrows a queryset that is already scoped (``reports_for_user``); it never scopes.
A parameter that is absent does not filter; one that is present but empty or malformed is a 400
(``plan=``, ``period=``, ``status=``), as the list has always answered: an empty value is a client's
mistake, not a wish for every report. ``county=`` (empty) still means every county in scope.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field

from core.api_schema import PERIOD_PATTERN
from reports.models import Report, ReportStatus
from reports.periods import parse_period

PLAN_YEAR = re.compile(r"[1-9][0-9]{0,3}")


class _PresentField(forms.Field):
    """A form field for which only an absent parameter (None) is empty: ``""`` goes to ``parse``."""

    def clean(self, value):
        if value is None:
            return None
        return self.parse(value)

    def parse(self, value: str):  # pragma: no cover - every subclass says how
        raise NotImplementedError


class PlanYearField(_PresentField):
    def parse(self, value: str) -> int:
        # fullmatch on ASCII digits: int() would also read "²" or " 2021".
        if not PLAN_YEAR.fullmatch(value):
            raise ValidationError(_("plan 应为年度，如 2021。"))
        return int(value)


class PeriodField(_PresentField):
    def parse(self, value: str) -> str:
        year, month = parse_period(value)
        return f"{year}-{month:02d}"


class StatusField(_PresentField):
    def parse(self, value: str) -> str:
        if value not in ReportStatus.values:
            raise ValidationError(_("status 应为 %(choices)s 之一。") % {"choices": ", ".join(ReportStatus.values)})
        return value


class PlanYearFilter(django_filters.Filter):
    field_class = PlanYearField


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


class StatusFilter(django_filters.Filter):
    field_class = StatusField


class ReportFilter(django_filters.FilterSet):
    plan = extend_schema_field(
        {"type": "integer", "minimum": 1, "maximum": 9999, "description": "plan year, e.g. 2021; empty is refused"}
    )(PlanYearFilter(field_name="plan__year"))
    county = extend_schema_field({"type": "string", "description": "county code"})(
        django_filters.CharFilter(field_name="county__code")
    )
    period = extend_schema_field({"type": "string", "pattern": PERIOD_PATTERN, "description": "YYYY-MM"})(
        PeriodFilter(field_name="period")
    )
    status = extend_schema_field({"type": "string", "enum": list(ReportStatus.values)})(
        StatusFilter(field_name="status")
    )

    class Meta:
        model = Report
        fields = ["plan", "county", "period", "status"]
