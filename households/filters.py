"""The roster's query parameters as a FilterSet.

The FilterSet parses and validates ``county``, ``type``, ``status`` and ``q`` (a bad one is a 400 in the
one error shape); the filtering itself stays ``selectors.households_filter``: on a province-scale roster
each parameter is served by its own index (ids resolved first, trigram or keyed search for ``q``), and a
field-by-field FilterSet would write other queries.
"""

from __future__ import annotations

import django_filters
from rest_framework.exceptions import ValidationError

from core.filtering import filterset_errors
from households.models import Household
from households.selectors import households_filter


class RosterFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(method="unchanged", strip=False)
    type = django_filters.CharFilter(method="unchanged", strip=False)
    status = django_filters.CharFilter(method="unchanged", strip=False)
    q = django_filters.CharFilter(method="unchanged", strip=False)

    class Meta:
        model = Household
        fields: list[str] = []

    def unchanged(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return households_filter(
            queryset,
            county=data.get("county") or "",
            type_code=data.get("type") or "",
            status=data.get("status") or "",
            q=data.get("q") or "",
        )


def households_filtered(queryset, params):
    """``queryset`` (from ``households_for_user``) narrowed by the list parameters; a bad one is a 400."""
    filterset = RosterFilter(params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset_errors(filterset))
    return filterset.qs
