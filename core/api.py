"""The one DRF pattern of this project, written down once.

Every API module follows it:

1. **Scoped reads.** ``get_queryset()`` (or a plain view's lookup) calls a ``..._for_user(user=...)``
   selector. The selector is the only place that knows which counties and retrofit types a role may
   see, so an object outside the caller's scope simply is not found: 404, never 403, so that a clerk
   cannot probe for other counties' ids. Read-only roles asking to write get 403.
2. **Writes through services.** Serializers only parse and shape input; ``<entity>_<action>``
   functions in ``services.py`` validate (``full_clean()``) and write inside ``transaction.atomic``.
   Services raise ``django.core.exceptions.ValidationError`` (400), ``ConflictError`` (409) or
   ``PermissionDenied`` (403).
3. **One error shape.** Every error response is
   ``{"code": "...", "detail": "human message", "errors": {"field.path": ["message", ...]}}``
   where ``errors`` is present for validation errors and its keys are dotted paths into the request
   body (``lines.0.households``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.request_id import current_request_id
from core.signals import api_request_refused
from core.unavailable import RETRY_AFTER_SECONDS, is_unavailable, unavailable_detail


class ConflictError(Exception):
    """A write based on a stale version of an object (HTTP 409)."""

    def __init__(self, message: str, *, current_version: int | None = None):
        super().__init__(message)
        self.message = message
        self.current_version = current_version


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into ``{"a.0.b": [messages]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = str(key) if not prefix else f"{prefix}.{key}"
            if key in ("non_field_errors", "__all__"):
                path = prefix or "non_field_errors"
            for sub_path, messages in flatten_errors(value, path).items():
                flat.setdefault(sub_path, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            flat.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item in ({}, []):
                    continue
                path = f"{prefix}.{index}" if prefix else str(index)
                for sub_path, messages in flatten_errors(item, path).items():
                    flat.setdefault(sub_path, []).extend(messages)
    else:
        flat.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return flat


def django_validation_error_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"non_field_errors": list(error.messages)}


def error_response(*, code: str, detail: str, http_status: int, errors=None, **extra) -> Response:
    body = {"code": code, "detail": detail}
    if errors:
        body["errors"] = flatten_errors(errors)
    body.update(extra)
    return Response(body, status=http_status)


def exception_handler(exc, context):
    if is_unavailable(exc):
        # The database or the cache is down (e.g. in a throttle or an authentication): retry shortly.
        response = error_response(
            code="service_unavailable",
            detail=unavailable_detail(),
            http_status=status.HTTP_503_SERVICE_UNAVAILABLE,
            request_id=current_request_id(),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, DjangoValidationError):
        return error_response(
            code="invalid",
            detail=_("输入有误，请检查后重试。"),
            http_status=status.HTTP_400_BAD_REQUEST,
            errors=django_validation_error_detail(exc),
        )
    if isinstance(exc, ConflictError):
        return error_response(
            code="conflict",
            detail=exc.message,
            http_status=status.HTTP_409_CONFLICT,
            current_version=exc.current_version,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("您没有执行该操作的权限。"))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": _("输入有误，请检查后重试。"),
            "errors": flatten_errors(exc.detail),
        }
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(getattr(exc, "detail", exc)),
        }
    _record_refusal(context.get("request"), response)
    return response


def _record_refusal(request, response) -> None:
    """403 and 404 (outside the caller's scope) are announced: accounts keeps them in the security log,
    so that repeated probing shows there. A signal, because the log lives in a higher layer."""
    if request is None or response.status_code not in (403, 404):
        return
    api_request_refused.send(
        sender=None, request=request, status=response.status_code, detail=response.data.get("detail", "")
    )


class AnyAccept(BaseContentNegotiation):
    """File downloads answer whatever the Accept header says (errors are still JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
