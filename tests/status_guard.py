"""Every request a test makes must have its status looked at.

A response whose ``status_code`` nobody read proves nothing: a page that answered 500 or 403 would
pass a test that only checked, say, the database afterwards. The guard wraps the test clients'
request methods; at the end of each test it fails the test if one of its responses was never asked
for its status (``assert r.status_code == 200``, ``assertContains``, ``assertRedirects`` all ask).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

_HERE = Path(__file__).resolve()
_TESTS = _HERE.parent

METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace", "generic")


class _Tracker:
    def __init__(self):
        self.active = False
        self.unchecked: list[tuple[str, str, object]] = []

    def watch(self, response, method: str, path: str) -> None:
        if not self.active or getattr(response, "_status_watched", False):
            return
        cls = response.__class__
        tracked = _tracked_class(cls)
        # The status may still sit in the class default (200) rather than the instance.
        if "status_code" not in response.__dict__:
            response.__dict__["status_code"] = cls.status_code
        response.__class__ = tracked
        response._status_watched = True
        response._status_read = False
        self.unchecked.append((method.upper(), f"{path} ({_call_site()})", response))

    def responses(self) -> list:
        """Every response watched in this test so far, in the order they were made."""
        return [response for _, _, response in self.unchecked]

    def offenders(self) -> list[str]:
        return [f"{method} {path}" for method, path, response in self.unchecked if not response._status_read]


TRACKER = _Tracker()


def _call_site() -> str:
    """The test-suite line that made the request, so the failure message points at it."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = Path(frame.f_code.co_filename)
        if filename.is_relative_to(_TESTS) and filename.resolve() != _HERE:
            return f"{filename.relative_to(_TESTS.parent)}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


@functools.cache
def _tracked_class(cls):
    def get_status(self):
        self.__dict__["_status_read"] = True
        return self.__dict__["status_code"]

    def set_status(self, value):
        self.__dict__["status_code"] = value

    return type(cls.__name__, (cls,), {"status_code": property(get_status, set_status), "__module__": cls.__module__})


def _wrap(method_name: str, original):
    @functools.wraps(original)
    def wrapper(self, path, *args, **kwargs):
        response = original(self, path, *args, **kwargs)
        TRACKER.watch(response, method_name, path)
        return response

    wrapper._status_guard = True
    return wrapper


def install() -> None:
    """Wrap the request methods of Django's and DRF's test clients (once per process)."""
    from django.test.client import AsyncClient, Client
    from rest_framework.test import APIClient

    for cls in (Client, APIClient):
        for name in METHODS:
            original = cls.__dict__.get(name)
            if original is not None and not getattr(original, "_status_guard", False):
                setattr(cls, name, _wrap(name, original))
    del AsyncClient
