"""Re-encrypt every household's ID and phone number under the current key of PII_KEYS.

    python manage.py rotate_pii_key [--batch-size 1000] [--status]

Deploy a new key first: add it to PII_KEYS, make it ``current``, keep the old ones, restart. Then run
this. It works in batches that commit one by one, prints its progress, and can be interrupted and run
again at any time (it only picks up values not yet under the current key). When it reports that no
value is left under an old key, that key can be removed from PII_KEYS.

    python manage.py rotate_pii_key --reindex

is the one way to change PII_INDEX_KEY: with the new index key configured (the application stays
refused by the start-up check meanwhile), it recomputes every household's blind indexes from the
decrypted numbers and then records the new key's fingerprint. Interrupted, it is run again.
Every run checks the index key against the data and records its fingerprint when they agree.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from households import pii
from households.personal_data import (
    ROTATION_BATCH,
    index_key_agrees_with_data,
    pii_key_usage,
    pii_reindex_batch,
    pii_rotate_batch,
    pii_rotation_remaining,
)


class Command(BaseCommand):
    help = "Re-encrypt stored ID and phone numbers under the current PII key (batched, resumable)."
    # The start-up check refuses a changed PII_INDEX_KEY; this command is how one changes it (--reindex).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=ROTATION_BATCH)
        parser.add_argument("--status", action="store_true", help="only report how many values each key holds")
        parser.add_argument(
            "--reindex", action="store_true", help="recompute the blind indexes under a new PII_INDEX_KEY"
        )

    def handle(self, *args, **options):
        size = options["batch_size"]
        if size < 1:
            raise CommandError("--batch-size must be at least 1")
        current = pii.current_key_id()
        usage = pii_key_usage()
        self.stdout.write(f"current key: {current!r}; values per key: {self._usage(usage)}")
        unknown = sorted(set(usage) - set(pii.configured_key_ids()))
        if unknown:
            raise CommandError(str(pii.PiiKeyMissing(unknown[0])))
        if options["status"]:
            return
        if options["reindex"]:
            self._reindex(size)
        elif pii.index_key_check() is not None:
            raise CommandError(pii.index_key_check() + " (run with --reindex to change PII_INDEX_KEY on purpose)")
        elif index_key_agrees_with_data() is False:
            raise CommandError(
                "PII_INDEX_KEY does not reproduce the stored blind indexes: restore the key they were made "
                "with, or run with --reindex"
            )
        pii.index_key_fingerprint_record()
        total = pii_rotation_remaining()
        done, last, started = 0, 0, time.monotonic()
        while True:
            count, last_pk = pii_rotate_batch(after_pk=last, size=size)
            if not count:
                break
            done, last = done + count, last_pk
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"re-encrypted {done}/{total} ({100 * done // max(total, 1)} %), {rate:.0f} values/s")
        usage = pii_key_usage()
        left = {key: n for key, n in usage.items() if key != current}
        if left:
            raise CommandError(f"values still under other keys: {self._usage(left)}; run the command again")
        unused = [key for key in pii.configured_key_ids() if key != current]
        self.stdout.write(
            self.style.SUCCESS(f"done: {done} re-encrypted; all {usage.get(current, 0)} values are under {current!r}.")
        )
        if unused:
            self.stdout.write(
                f"no value is left under {', '.join(map(repr, unused))}: it can be removed from PII_KEYS."
            )

    def _reindex(self, size: int) -> None:
        done, last = 0, 0
        while True:
            count, last_pk = pii_reindex_batch(after_pk=last, size=size)
            if not count:
                break
            done, last = done + count, last_pk
            self.stdout.write(f"re-indexed {done} households")
        self.stdout.write(self.style.SUCCESS(f"re-indexed {done} households under the configured PII_INDEX_KEY."))

    @staticmethod
    def _usage(usage: dict[str, int]) -> str:
        return ", ".join(f"{key!r}: {n}" for key, n in usage.items()) or "none"
