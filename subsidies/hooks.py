"""Hooks through which higher apps add their figures to the finance page.

The roster (households) sits above subsidies: its "payable for accepted households" table reaches the
finance page through a provider it registers here (``HouseholdsConfig.ready``), not by an import.
"""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[..., dict]] = []


def finance_panel_register(provider: Callable[..., dict]) -> Callable[..., dict]:
    """``provider(*, user, plan) -> dict`` of template context; registered once."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def finance_panels(*, user, plan) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(user=user, plan=plan))
    return context
