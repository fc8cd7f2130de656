from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operations team runs: backup and restore, health and readiness, metrics."""

    name = "operations"
    verbose_name = "运维"

    def ready(self):
        from households.hooks import export_interruption_check_register
        from operations.sweep import roster_exports_interrupted

        export_interruption_check_register(roster_exports_interrupted)
