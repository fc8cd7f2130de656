from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspections"
    verbose_name = _("现场检查与整改")

    def ready(self):
        from households.hooks import personal_data_purger_register
        from inspections.personal_data import visits_personal_data_purge

        personal_data_purger_register(visits_personal_data_purge)
