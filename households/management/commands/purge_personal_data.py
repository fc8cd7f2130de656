"""Clear the names, ID and phone numbers of a closed plan's households (个人信息保护法: retention).

    python manage.py purge_personal_data --plan 2021 --user city [--yes]

Refused before PII_RETENTION_DAYS after the plan's deadline. Asks for the plan's year as confirmation
unless --yes. Counts, types, villages, dates and money stay, so statistics and settlements still add
up. Recorded (who, when, how many) like whole-ID exports, under the application user given by --user
(an administrator or the city office). Field visits of the plan lose their GPS positions and notes,
and their photos (files and thumbnails) are deleted; the report counts each.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from counties.models import Plan
from households.models import Household
from households.personal_data import personal_data_purge, purge_allowed_from


class Command(BaseCommand):
    help = "Clear names, ID and phone numbers of a closed plan's households after the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="plan year, e.g. 2021")
        parser.add_argument("--user", required=True, help="your application user name (admin or city office)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(year=options["plan"]).first()
        if plan is None:
            raise CommandError(f"no plan {options['plan']}")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        households = Household.objects.filter(plan=plan).count()
        self.stdout.write(
            f"plan {plan.year}: {households} households; deadline {plan.deadline}, "
            f"personal data kept until {purge_allowed_from(plan)}."
        )
        if not options["yes"]:
            answer = input(
                f"Clear the names, ID and phone numbers of all {households} households of plan {plan.year}? "
                f"This cannot be undone. Type {plan.year} to confirm: "
            )
            if answer.strip() != str(plan.year):
                raise CommandError("not confirmed; nothing was changed")
        try:
            counts = personal_data_purge(user=user, plan=plan)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PermissionDenied:
            raise CommandError(f"{user.username!r} is neither an administrator nor the city office") from None
        self.stdout.write(
            self.style.SUCCESS(f"cleared the personal data of {counts['households']} households of plan {plan.year}.")
        )
        # Field visits: what the purgers registered by higher apps (inspections) cleared.
        labels = {
            "visit_positions": "visit GPS positions cleared",
            "visit_notes": "visit notes cleared",
            "photos": "photos deleted",
            "photo_files": "photo and thumbnail files deleted",
        }
        for name, n in counts.items():
            if name != "households":
                self.stdout.write(f"{labels.get(name, name)}: {n}")
