"""Delete background roster exports (and their files) older than a day.

    python manage.py roster_exports_cleanup

Each new export also cleans up first; run this daily (cron or a systemd timer) so that files with whole
ID numbers do not outlive their day when nobody exports for a while.
"""

from django.core.management.base import BaseCommand

from households.roster_jobs import roster_exports_cleanup


class Command(BaseCommand):
    help = "Delete background roster exports older than a day, with their files."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {roster_exports_cleanup()} roster exports older than a day.")
