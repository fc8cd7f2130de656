from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operations team runs: backup and restore, health and readiness, metrics."""

    name = "operations"
    verbose_name = "运维"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import SecurityEvent
        from households.hooks import export_interruption_check_register
        from operations.metrics import security_event_counted
        from operations.sweep import roster_exports_interrupted

        export_interruption_check_register(roster_exports_interrupted)
        post_save.connect(security_event_counted, sender=SecurityEvent, dispatch_uid="operations-metrics-security")
