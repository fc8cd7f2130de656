"""Hooks through which higher apps load their part of a plan file.

The plan is the base of the domain: counties imports no higher app. The subsidy rates a plan file
carries belong to subsidies, which registers a loader here when it starts (``SubsidiesConfig.ready``);
``plan_load`` calls every loader inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable

_loaders: list[Callable[..., None]] = []


def plan_section_register(loader: Callable[..., None]) -> Callable[..., None]:
    """``loader(*, plan, data, types, result, **options)`` (``options``: ``plan_load``'s ``section_options``,
    e.g. the subsidy rates' effective month); registering the same loader twice keeps one."""
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def plan_section_loaders() -> tuple[Callable[..., None], ...]:
    return tuple(_loaders)
