"""Who is asking: the client's address and user agent, as one function for axes and the security log."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies that append to X-Forwarded-For (nginx:
    ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``), the address the outermost
    trusted proxy saw is that many entries from the right; whatever stands further left was sent by
    the client and could be forged, so it is ignored. Without proxies REMOTE_ADDR is the client.
    """
    request = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= count:
            return _valid(entries[-count])
    return _valid(request.META.get("REMOTE_ADDR"))


def user_agent(request) -> str:
    request = getattr(request, "_request", request)
    return request.META.get("HTTP_USER_AGENT", "")[:255]
