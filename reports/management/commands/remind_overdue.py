from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.periods import parse_period, previous_period
from reports.tasks import remind_overdue, remind_overdue_task


class Command(BaseCommand):
    help = (
        "E-mail county clerks whose report for the previous month is missing or still a draft (once a day). "
        "Enqueues a background task for the db_worker; --now sends in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM; default: the month before today")
        parser.add_argument(
            "--now", action="store_true", help="send in this process instead of enqueuing a task (no worker needed)"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        period = options["period"] or previous_period(f"{today.year}-{today.month:02d}")
        try:
            year, month = parse_period(period)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        period = f"{year}-{month:02d}"
        if options["now"]:
            self._summarise(period, remind_overdue(period))
            return
        result = remind_overdue_task.enqueue(period)
        if result.is_finished:  # an immediate backend (the tests) ran it already
            self._summarise(period, result.return_value)
        else:
            self.stdout.write(f"{period} 月报提醒已加入后台任务队列（任务 {result.id}），由 db_worker 发送。")

    def _summarise(self, period: str, results: list[dict]) -> None:
        if not results:
            self.stdout.write(f"{period} 不在任何年度方案的报送期内，无需提醒。")
        for result in results:
            reminded, without_email = result["reminded"], result["without_email"]
            self.stdout.write(
                f"{result['plan']} 年方案 {period} 月报：已提醒 {len(reminded)} 个县（市、区）"
                + (f"（{'、'.join(reminded)}）" if reminded else "")
                + f"；今日已提醒过 {len(result['skipped_today'])} 个；无邮箱 {len(without_email)} 个"
                + (f"（{'、'.join(without_email)}）" if without_email else "")
                + "。"
            )
