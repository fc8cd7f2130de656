"""A request id on every response (``X-Request-ID``) and in every log record of that request.

The id is taken from the incoming ``X-Request-ID`` header when it looks like one (nginx's
``$request_id``, a UUID: letters, digits, ``.``, ``_``, ``-``, 8–64 characters), so that a proxy's
id and ours agree; anything else is replaced by a fresh one and never reaches the logs.
This module is imported by the logging configuration: it must not import models.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being handled, ``-`` outside a request (commands, start-up)."""
    return _current.get()


def clean_request_id(value: str | None) -> str:
    value = (value or "").strip()
    return value if SANE_ID.fullmatch(value) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware, so that every log record of the request (the 500 included) carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on log records (for the formatter and for anyone reading the records)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
