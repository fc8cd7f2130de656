"""Start-up checks of the PII keys against the database (``runserver``, ``check --deploy``, every command).

Registered without the ``database`` tag on purpose: Django runs database-tagged checks only when a
command names a database, so ``runserver`` and ``check --deploy`` would skip them.
"""

from __future__ import annotations

from pathlib import Path

from django.core import checks
from django.db import DatabaseError, connection

from households import pii


def _sqlite_file_absent() -> bool:
    # Connecting would create an empty file: ``manage.py check`` on a fresh checkout must leave no db.sqlite3.
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    return not (name == ":memory:" or name.startswith("file:") or Path(name).exists())


@checks.register("pii")
def index_key_matches_database(app_configs=None, **kwargs):
    if _sqlite_file_absent():
        return []
    try:
        problem = pii.index_key_check()
    except DatabaseError:
        # Unreachable or not migrated yet: the readiness probe reports the database; migrate records the key.
        return []
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint=(
                "PII_INDEX_KEY differs from the key the stored blind indexes were made with (fingerprint "
                "mismatch): restore the original PII_INDEX_KEY, or re-index with "
                "`manage.py rotate_pii_key --reindex` to change it on purpose."
            ),
            id="households.E050",
        )
    ]


def record_index_key_after_migrate(sender, using="default", **kwargs):
    """On the first migrate (no fingerprint yet), remember the configured index key; later ones compare only."""
    from households.models import IndexKeyFingerprint

    if not IndexKeyFingerprint.objects.using(using).filter(pk=1).exists():
        IndexKeyFingerprint.objects.using(using).create(pk=1, fingerprint=pii.index_key_fingerprint())
