"""Readiness: may this server take traffic? Each check is cheap (no table scan) and names what failed.

``CHECKS`` is an ordered list of ``(name, function)``; a function returns ``None`` when all is well or
a short reason (no personal data, no secrets). A check that raises counts as failed with the exception's
class name. Add a check by appending to ``CHECKS`` (e.g. the index-key fingerprint check of issue 21
item 2, see ``check_keys``).
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from operations.heartbeat import latest_heartbeat, worker_timeout

log = logging.getLogger("operations.readiness")
Check = Callable[[], "str | None"]


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            return "unexpected answer"
    return None


def check_cache() -> str | None:
    """A round trip through the default cache (Redis when REDIS_URL is set)."""
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    value = cache.get(key)
    cache.delete(key)
    return None if value == "1" else "written value not read back"


def check_worker() -> str | None:
    """A task worker beat within TASK_WORKER_TIMEOUT_SECONDS (skipped for backends without workers)."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return None
    seen = latest_heartbeat()
    if seen is None:
        return "no task worker has sent a heartbeat"
    age = timezone.now() - seen
    if age > worker_timeout():
        return f"last task-worker heartbeat {int(age.total_seconds())} s ago"
    return None


def check_media() -> str | None:
    """MEDIA_ROOT takes a file (photos, exports): a tiny temporary file, removed at once."""
    root = Path(settings.MEDIA_ROOT)
    # A fresh install has none yet; the storage would create it on the first photo too.
    root.mkdir(parents=True, exist_ok=True)
    if not os.access(root, os.W_OK):
        return "MEDIA_ROOT is not writable"
    with tempfile.NamedTemporaryFile(dir=root, prefix=".readyz-", delete=True) as probe:
        probe.write(b"1")
        probe.flush()
    return None


def check_keys() -> str | None:
    """The PII keys are configured, the current key decrypts what it encrypts, and the index key is the
    one the stored blind indexes were made with (``households.pii.index_key_check``)."""
    from households import pii

    if settings.PII_KEYRING is None:
        return "PII_KEYS / PII_INDEX_KEY not configured"
    probe = "11010519491231002X"
    sealed = pii.seal(probe, "")
    if pii.reveal(sealed["pii_cipher"])[0] != probe:
        return "the current PII key does not decrypt its own value"
    return pii.index_key_check()


CHECKS: list[tuple[str, Check]] = [
    ("database", check_database),
    ("cache", check_cache),
    ("worker", check_worker),
    ("media", check_media),
    ("keys", check_keys),
]


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; ``(all ok, {name: "ok" | "failed: reason"})``. A later check runs even when an
    earlier one failed (the operator sees everything wrong at once)."""
    results: dict[str, str] = {}
    ok = True
    for name, check in CHECKS:
        try:
            reason = check()
        except Exception as exc:  # any failure of a dependency is "not ready", never a 500
            reason = type(exc).__name__
            log.warning("readiness check %s failed: %s", name, exc)
        if reason is None:
            results[name] = "ok"
        else:
            ok = False
            results[name] = f"failed: {reason}"
    return ok, results
