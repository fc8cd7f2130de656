"""Chinese names in the admin for the third-party apps it lists (knox's tokens, django-tasks' results).

Their own AppConfigs and models name them in English with no Chinese catalogue. Subclassing the
AppConfig (named in INSTALLED_APPS) gives the app its name; the model names are set on ``_meta`` in
``ready``. Only the display names change: ``original_attrs`` (what migrations compare) is left alone,
so ``makemigrations --check`` sees nothing to write for those packages.
"""

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


def _name_model(app_label: str, model_name: str, singular, plural) -> None:
    meta = apps.get_model(app_label, model_name)._meta
    meta.verbose_name = singular
    meta.verbose_name_plural = plural


class KnoxConfig(AppConfig):
    name = "knox"
    label = "knox"
    verbose_name = _("接口登录令牌")

    def ready(self) -> None:
        _name_model("knox", "AuthToken", _("登录令牌"), _("登录令牌"))


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("后台任务")

    def ready(self) -> None:
        super().ready()
        _name_model("django_tasks_database", "DBTaskResult", _("任务结果"), _("任务结果"))
