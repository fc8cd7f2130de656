import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("households.pii")


def finance_payable_panel(*, user, plan) -> dict:
    """Only accepted households on the roster are payable (acceptance before payment)."""
    from households.selectors import payable_by_county

    return {"payable": payable_by_county(user=user, plan=plan)}


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("改造户花名册")

    def ready(self):
        from django.db.models.signals import post_migrate

        from households import checks
        from subsidies.hooks import finance_panel_register

        finance_panel_register(finance_payable_panel)
        post_migrate.connect(checks.record_index_key_after_migrate, sender=self)
        keyring = getattr(settings, "PII_KEYRING", None)
        if keyring is not None and keyring.development:
            logger.warning(
                "PII_KEYS not set: ID and phone numbers are encrypted with the built-in DEVELOPMENT key %r "
                "(DEBUG only; anyone can read it). Set PII_KEYS and PII_INDEX_KEY for real data.",
                keyring.current,
            )
