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


# Starting a year from an earlier one: higher apps copy their part (the subsidy rates).
_copiers: list[Callable[..., None]] = []
# Closing a year: higher apps name what still stands in the way (months waiting for review).
_close_checks: list[Callable[..., list[str]]] = []


def plan_copy_register(copier: Callable[..., None]) -> Callable[..., None]:
    """``copier(*, source, plan)`` copies the higher app's part of ``source`` into the new draft ``plan``."""
    if copier not in _copiers:
        _copiers.append(copier)
    return copier


def plan_copiers() -> tuple[Callable[..., None], ...]:
    return tuple(_copiers)


def plan_close_check_register(check: Callable[..., list[str]]) -> Callable[..., list[str]]:
    """``check(*, plan) -> [message, ...]``: the reasons the year cannot be closed yet (none: it can)."""
    if check not in _close_checks:
        _close_checks.append(check)
    return check


def plan_close_checks() -> tuple[Callable[..., list[str]], ...]:
    return tuple(_close_checks)
