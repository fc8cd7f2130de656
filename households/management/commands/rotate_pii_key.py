"""Re-encrypt every household's ID and phone number under the current key of PII_KEYS.

    python manage.py rotate_pii_key [--batch-size 1000] [--status]

Deploy a new key first: add it to PII_KEYS, make it ``current``, keep the old ones, restart. Then run
this. It works in batches that commit one by one, prints its progress, and can be interrupted and run
again at any time (it only picks up values not yet under the current key). When it reports that no
value is left under an old key, that key can be removed from PII_KEYS.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from households import pii
from households.personal_data import ROTATION_BATCH, pii_key_usage, pii_rotate_batch, pii_rotation_remaining


class Command(BaseCommand):
    help = "Re-encrypt stored ID and phone numbers under the current PII key (batched, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=ROTATION_BATCH)
        parser.add_argument("--status", action="store_true", help="only report how many values each key holds")

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

    @staticmethod
    def _usage(usage: dict[str, int]) -> str:
        return ", ".join(f"{key!r}: {n}" for key, n in usage.items()) or "none"
