"""Restore a backup archive into an EMPTY database and media folder, then verify it.

    createdb heating_restored   # PostgreSQL: a new, empty database (SQLite: a path that does not exist yet)
    DATABASE_URL=postgres://…/heating_restored MEDIA_ROOT=/srv/heating/media-new python manage.py restore ARCHIVE

Refuses (and writes nothing) if the database has tables or MEDIA_ROOT has files, if PII_KEYS lacks a key
id the data needs, or if PII_INDEX_KEY is not the one of the backup; then verifies row counts, checksums,
every photo's file and the index key's fingerprint. Any mismatch is a refusal naming it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.restore import BackupError, restore_run


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media folder, then verify it."
    # The target database is empty: no check can (or needs to) look at it before the restore.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"备份文件不存在。 ({archive} not found)")
        try:
            manifest = restore_run(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"restored and verified: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} "
                f"media files, every photo's file present, PII keys match (backup of {manifest['created_at']})."
            )
        )
