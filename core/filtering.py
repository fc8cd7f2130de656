"""Query parameters of list pages read through the same django-filter FilterSets as the API.

A FilterSet narrows a queryset that a ``*_for_user`` selector has already scoped; it never scopes.
The API answers a malformed parameter with a 400. A page instead shows the list without that one
filter and says what was wrong: a bookmarked link with an old status name should not be an error page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import QuerySet


def filterset_errors(filterset) -> dict[str, list[str]]:
    """A bound, invalid FilterSet's messages by parameter name."""
    return {field: [e["message"] for e in items] for field, items in filterset.errors.get_json_data().items()}


def page_filtered(filterset_class, params: Mapping, queryset: QuerySet, *, names: Iterable[str]):
    """``(queryset narrowed by the non-empty parameters in names, messages of those refused)``.

    An empty parameter is "all", as the page's 全部 option sends it.
    """
    data = {name: params[name] for name in names if params.get(name)}
    filterset = filterset_class(data, queryset=queryset)
    if filterset.is_valid():
        return filterset.qs, {}
    errors = filterset_errors(filterset)
    kept = {name: value for name, value in data.items() if name not in errors}
    return filterset_class(kept, queryset=queryset).qs, errors
