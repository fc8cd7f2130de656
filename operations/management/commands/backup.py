"""Write one backup archive: the database, the media files and a manifest (never the keys).

    python manage.py backup /var/backups/heating/            # names the file heating-backup-<time>.tar.gz
    python manage.py backup /var/backups/heating/today.tar.gz

The archive is mode 0600. See operations/backup.py for what it holds, README "Backup and restore"
for the schedule and the restore drill.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the database, the media files and a manifest into one .tar.gz archive (mode 0600)."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="archive file to write, or an existing folder to write it in")

    def handle(self, *args, **options):
        dest = Path(options["dest"])
        if not dest.is_dir() and not dest.parent.is_dir():
            raise CommandError(f"备份目标文件夹不存在。 (folder {dest.parent} does not exist)")
        try:
            path, manifest = backup_write(dest=dest)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {path} ({len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} media files; PII key ids {', '.join(manifest['pii']['key_ids_used']) or '-'})"
            )
        )
