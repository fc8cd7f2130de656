from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("补助资金")

    def ready(self):
        from counties.plan_hooks import plan_copy_register, plan_section_register
        from subsidies.plan_years import subsidy_rules_copy
        from subsidies.services import subsidy_rules_load

        plan_section_register(subsidy_rules_load)
        plan_copy_register(subsidy_rules_copy)
