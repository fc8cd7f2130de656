from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from counties.models import Plan
from reports.periods import parse_period, previous_period
from reports.services import reminders_send


class Command(BaseCommand):
    help = "E-mail county clerks whose report for the previous month is missing or still a draft (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM; default: the month before today")

    def handle(self, *args, **options):
        today = timezone.localdate()
        period = options["period"] or previous_period(f"{today.year}-{today.month:02d}")
        try:
            year, month = parse_period(period)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        period = f"{year}-{month:02d}"
        plans = [plan for plan in Plan.objects.all() if period in plan.periods()]
        if not plans:
            self.stdout.write(f"{period} 不在任何年度方案的报送期内，无需提醒。")
            return
        for plan in plans:
            result = reminders_send(plan=plan, period=period, today=today)
            self.stdout.write(
                f"{plan.year} 年方案 {period} 月报：已提醒 {len(result.reminded)} 个县（市、区）"
                + (f"（{'、'.join(result.reminded)}）" if result.reminded else "")
                + f"；今日已提醒过 {len(result.skipped_today)} 个；无邮箱 {len(result.without_email)} 个"
                + (f"（{'、'.join(result.without_email)}）" if result.without_email else "")
                + "。"
            )
