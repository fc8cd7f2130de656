"""Hooks through which higher apps add to the roster's figures.

The field visits (inspections) and the task worker (operations) sit above the roster: they register
here (in their ``AppConfig.ready``) what the roster must call of theirs, rather than being imported.
"""

from __future__ import annotations

from collections.abc import Callable

# The field data of purged households (inspections' visits: positions, notes, photos) is cleared by
# purgers that inspections registers (``InspectionsConfig.ready``); each returns its counts by name.
_purgers: list[Callable[..., dict[str, int]]] = []


def personal_data_purger_register(purger: Callable[..., dict[str, int]]) -> Callable[..., dict[str, int]]:
    """``purger(*, plan)`` clears what it holds of the plan's residents inside the purge's transaction and
    returns counts such as ``{"visit_positions": 3}``; registered once."""
    if purger not in _purgers:
        _purgers.append(purger)
    return purger


def personal_data_purgers() -> tuple[Callable[..., dict[str, int]], ...]:
    return tuple(_purgers)


# Background exports whose task's worker is gone (operations registers the check: it knows the task
# table and the workers' heartbeats, which sit above the roster).
_interruption_checks: list[Callable[..., set[int]]] = []


def export_interruption_check_register(check: Callable[..., set[int]]) -> Callable[..., set[int]]:
    """``check(*, export_ids)`` returns the ids among ``export_ids`` whose task can no longer finish."""
    if check not in _interruption_checks:
        _interruption_checks.append(check)
    return check


def export_interruption_checks() -> tuple[Callable[..., set[int]], ...]:
    return tuple(_interruption_checks)
