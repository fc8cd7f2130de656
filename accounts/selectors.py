"""Reads of the accounts app: current locks and the security log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from accounts.services import UNLOCK_ROLES
from counties.selectors import require_role


@dataclass(frozen=True)
class Lock:
    username: str
    ip_address: str
    failures: int
    remaining: timedelta

    @property
    def remaining_minutes(self) -> int:
        return max(1, -(-int(self.remaining.total_seconds()) // 60))


def locks_for_user(*, user) -> list[Lock]:
    """Accounts and client addresses locked right now (admin and city office only)."""
    require_role(user, *UNLOCK_ROLES)
    cool_off = get_cool_off()
    now = timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    locks = []
    for field, limit in (
        ("username", settings.AXES_FAILURE_LIMIT),
        ("ip_address", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
    ):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by(field)
        )
        for row in rows:
            locks.append(
                Lock(
                    username=row[field] if field == "username" else "",
                    ip_address=row[field] if field == "ip_address" else "",
                    failures=row["failures"],
                    remaining=row["last"] + cool_off - now,
                )
            )
    return locks
