from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("补助资金")

    def ready(self):
        from counties.plan_hooks import plan_section_register
        from subsidies.services import subsidy_rules_load

        plan_section_register(subsidy_rules_load)
