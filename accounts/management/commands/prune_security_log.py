from django.core.management.base import BaseCommand

from accounts.services import security_log_prune, security_log_retention_days


class Command(BaseCommand):
    help = "Delete security log entries older than SECURITY_LOG_RETENTION_DAYS (never younger than 180 days)."

    def handle(self, *args, **options):
        deleted = security_log_prune()
        days = security_log_retention_days()
        self.stdout.write(f"已删除 {deleted} 条超过 {days} 天的安全审计日志。")
