"""Recount the roster summary (households.RosterSummary) of every plan, or one, from the roster.

    python manage.py rebuild_roster_summary [--plan 2021] [--check]

The services keep the summary as they write; this is for after writing the table by hand (SQL, a
restore) and, with --check, to verify it: exits 1 when the stored summary differs from a recount.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from counties.models import Plan
from households.roster_summary import roster_recount_matches, summary_recount


class Command(BaseCommand):
    help = "Recount the roster summary from the roster (reconciliation and payable figures read it)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="plan year; default every plan")
        parser.add_argument("--check", action="store_true", help="only compare with a recount; exit 1 if different")

    def handle(self, *args, **options):
        plans = Plan.objects.order_by("year")
        if options["plan"] is not None:
            plans = plans.filter(year=options["plan"])
            if not plans.exists():
                raise CommandError(f"no plan {options['plan']}")
        for plan in plans:
            if options["check"]:
                if not roster_recount_matches(plan_id=plan.pk):
                    raise CommandError(f"plan {plan.year}: the roster summary differs from a recount")
                self.stdout.write(f"plan {plan.year}: the roster summary matches a recount.")
            else:
                summary_recount(plan_id=plan.pk)
                self.stdout.write(f"plan {plan.year}: roster summary recounted.")
