"""The roster's query parameters as a FilterSet.

The FilterSet parses and validates ``county``, ``type``, ``status``, ``q`` and ``hardship`` (a bad one is a 400 in the
one error shape); the filtering itself stays ``selectors.households_filter``: on a province-scale roster
each parameter is served by its own index (ids resolved first, trigram or keyed search for ``q``), and a
field-by-field FilterSet would write other queries.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from core.filtering import filterset_errors
from households.models import HARDSHIP_ANY, HARDSHIP_CATEGORIES, Household
from households.selectors import households_filter


class RosterFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(method="unchanged", strip=False)
    type = django_filters.CharFilter(method="unchanged", strip=False)
    status = django_filters.CharFilter(method="unchanged", strip=False)
    q = django_filters.CharFilter(method="unchanged", strip=False)
    hardship = django_filters.ChoiceFilter(
        method="unchanged",
        choices=[*HARDSHIP_CATEGORIES, (HARDSHIP_ANY, _("任一困难类别"))],
        error_messages={"invalid_choice": _("困难类别应为 poverty、dibao、wubao 或 any。")},
    )

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
            hardship=data.get("hardship") or "",
        )


def households_filtered(queryset, params):
    """``queryset`` (from ``households_for_user``) narrowed by the list parameters; a bad one is a 400."""
    filterset = RosterFilter(params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset_errors(filterset))
    return filterset.qs
