"""The rectification list's query parameters as a FilterSet (names and error messages as before)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from core.filtering import filterset_errors
from inspections.models import Rectification, RectificationStatus


class RectificationFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code")
    status = django_filters.ChoiceFilter(
        choices=RectificationStatus.choices,
        error_messages={"invalid_choice": _("状态应为 open、submitted、returned 或 closed。")},
    )

    class Meta:
        model = Rectification
        fields = ["county", "status"]


def rectifications_filtered(queryset, params):
    """``queryset`` (from ``rectifications_for_user``) narrowed by the parameters; a bad one is a 400."""
    filterset = RectificationFilter(params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset_errors(filterset))
    return filterset.qs
