import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("households.pii")


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("改造户花名册")

    def ready(self):
        keyring = getattr(settings, "PII_KEYRING", None)
        if keyring is not None and keyring.development:
            logger.warning(
                "PII_KEYS not set: ID and phone numbers are encrypted with the built-in DEVELOPMENT key %r "
                "(DEBUG only; anyone can read it). Set PII_KEYS and PII_INDEX_KEY for real data.",
                keyring.current,
            )
