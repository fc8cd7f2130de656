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
        if lost := manifest["photos_without_file"]:
            # Still written (a backup of a damaged system beats none), but a restore of it will refuse.
            self.stderr.write(
                f"警告：数据库中有 {len(lost)} 个照片文件在 MEDIA_ROOT 中不存在，例如 {lost[0]}；"
                f"此备份恢复时将被拒绝。 (WARNING: {len(lost)} photo files referenced by the database are missing)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {path} ({len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} media files; PII key ids {', '.join(manifest['pii']['key_ids_used']) or '-'})"
            )
        )
