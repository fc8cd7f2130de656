from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_behind_tls(app_configs, **kwargs):
    """TLS=1 means nginx in front; without TRUSTED_PROXY_COUNT every client looks like 127.0.0.1 and one
    address lock would lock everybody out."""
    if getattr(settings, "TLS", False) and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "TLS=1 but TRUSTED_PROXY_COUNT=0: behind nginx every client has the proxy's address, so the "
                "login lock per client address and the security log see only 127.0.0.1.",
                hint="Set TRUSTED_PROXY_COUNT=1 (nginx on the same host, X-Forwarded-For $proxy_add_x_forwarded_for).",
                id="accounts.W001",
            )
        ]
    return []
