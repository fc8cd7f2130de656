from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("月报与进度")

    def ready(self):
        from counties.plan_hooks import plan_close_check_register
        from reports.plan_years import plan_close_waiting_reviews

        plan_close_check_register(plan_close_waiting_reviews)
