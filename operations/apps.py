from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operations team runs: backup and restore, health and readiness, metrics."""

    name = "operations"
    verbose_name = "运维"
