"""Fail the exports of dead workers and delete background roster exports (and their files) past their time.

    python manage.py roster_exports_cleanup

Each new export also cleans up first; run this every few minutes (cron or a systemd timer) so that files
with whole ID numbers do not outlive ``ROSTER_EXPORT_KEEP_MINUTES`` when nobody exports for a while, and
so that an export whose worker was killed is failed and its partial file deleted.
"""

from django.core.management.base import BaseCommand

from households.roster_jobs import roster_exports_cleanup


class Command(BaseCommand):
    help = "Fail dead workers' exports; delete background roster exports past ROSTER_EXPORT_KEEP_MINUTES, with their files."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {roster_exports_cleanup()} roster exports past their keeping time.")
