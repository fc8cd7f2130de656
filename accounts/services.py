"""Writes of the accounts app: the security log, unlocking, API tokens, password changes."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.models import MIN_RETENTION_DAYS, EventKind, SecurityEvent
from accounts.network import client_ip, user_agent
from counties.models import Role
from counties.selectors import scope_for_user

UNLOCK_ROLES = (Role.ADMIN, Role.CITY_OFFICE)


def security_event_record(
    *, kind: EventKind, request=None, user=None, username: str = "", detail: dict | None = None
) -> SecurityEvent:
    """Append one entry. ``user`` is who it is about (defaults to the request's user); ``username``
    is what was typed when there is no user (a failed login)."""
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        user = request_user if request_user is not None and request_user.is_authenticated else None
    event = SecurityEvent(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        detail=detail or {},
    )
    if request is not None:
        raw = getattr(request, "_request", request)
        event.ip_address = client_ip(raw)
        event.user_agent = user_agent(raw)
        event.method = raw.method or ""
        event.path = raw.path[:255]
    event.full_clean()
    event.save()
    return event


def security_log_retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(settings.SECURITY_LOG_RETENTION_DAYS))


def security_log_prune(*, now=None) -> int:
    """Delete entries older than the retention (never younger than 180 days); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=security_log_retention_days())
    deleted, _by_model = SecurityEvent.objects.all()._prune_older_than(cutoff)
    return deleted


@transaction.atomic
def lockout_release(*, actor, request=None, username: str = "", ip_address: str = "") -> int:
    """Unlock an account and/or a client address (admin, city office); returns the failure records removed."""
    if scope_for_user(actor).role not in UNLOCK_ROLES:
        raise PermissionDenied(_("只有系统管理员和市清洁取暖办可以解除锁定。"))
    match = Q(pk__in=[])
    if username:
        match |= Q(username=username)
    if ip_address:
        match |= Q(ip_address=ip_address)
    removed, _by_model = AccessAttempt.objects.filter(match).delete()
    security_event_record(
        kind=EventKind.UNLOCK,
        request=request,
        user=actor,
        detail={"unlocked_username": username, "unlocked_ip_address": ip_address, "records": removed},
    )
    return removed


@transaction.atomic
def token_create(*, user, request=None) -> tuple[AuthToken, str]:
    """A new API token for ``user`` (stored hashed; expires after REST_KNOX TOKEN_TTL)."""
    instance, token = AuthToken.objects.create(user=user)
    security_event_record(
        kind=EventKind.TOKEN_CREATED,
        request=request,
        user=user,
        detail={"token_key": instance.token_key, "expiry": instance.expiry.isoformat() if instance.expiry else None},
    )
    return instance, token


@transaction.atomic
def token_revoke(*, token: AuthToken, request=None, reason: str = "logout") -> None:
    user = token.user
    key = token.token_key
    token.delete()
    security_event_record(
        kind=EventKind.TOKEN_REVOKED, request=request, user=user, detail={"token_keys": [key], "reason": reason}
    )


@transaction.atomic
def tokens_revoke_all(*, user, request=None, reason: str) -> int:
    """Revoke every API token of ``user``; logged even when there were none (the reason matters)."""
    tokens = AuthToken.objects.filter(user=user)
    keys = list(tokens.values_list("token_key", flat=True))
    tokens.delete()
    if keys:
        security_event_record(
            kind=EventKind.TOKEN_REVOKED, request=request, user=user, detail={"token_keys": keys, "reason": reason}
        )
    return len(keys)


@transaction.atomic
def user_password_changed(*, user, request=None, actor=None) -> None:
    """After a new password is saved: the user's API tokens end (Django already ends the other sessions,
    whose stored password hash no longer matches)."""
    tokens_revoke_all(user=user, request=request, reason="password_changed")
    security_event_record(
        kind=EventKind.PASSWORD_CHANGED,
        request=request,
        user=user,
        detail={"by": actor.get_username() if actor is not None else user.get_username()},
    )


@transaction.atomic
def user_deactivated(*, user, request=None) -> None:
    """A user switched off: its tokens end at once (knox would refuse them anyway)."""
    tokens_revoke_all(user=user, request=request, reason="user_deactivated")


def user_admin_change_record(*, request, obj, action: str, message="") -> None:
    """A user, role (group) or profile added, changed or deleted in the admin."""
    User = get_user_model()
    detail = {"action": action, "model": obj._meta.model_name, "object": str(obj), "object_id": obj.pk}
    if message:
        detail["message"] = message if isinstance(message, str) else str(message)
    target = obj if isinstance(obj, User) else getattr(obj, "user", None)
    if isinstance(target, User):
        detail["target_username"] = target.get_username()
        if action != "deleted":
            detail["groups"] = sorted(target.groups.values_list("name", flat=True))
            detail["is_active"] = target.is_active
    security_event_record(kind=EventKind.USER_CHANGED, request=request, detail=detail)
