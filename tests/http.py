"""Small helpers that make a test state the status it expects of every request.

``html = html_of(web(user).get(url))`` reads as "the page, which answered 200"; a page that answered
403 or 500 fails the test with the status and the start of the body instead of passing silently.
"""

from __future__ import annotations

BODY_PREVIEW = 300


def _body_preview(response) -> str:
    if getattr(response, "streaming", False):
        return "<streaming body>"
    return response.content[:BODY_PREVIEW].decode("utf-8", errors="replace")


def expect(response, status: int = 200):
    """Assert the response answered ``status`` and hand it back (for ``.context``, files, headers)."""
    assert response.status_code == status, (
        f"expected HTTP {status}, got {response.status_code}: {_body_preview(response)}"
    )
    return response


def html_of(response, status: int = 200) -> str:
    """The decoded body of a response that answered ``status``."""
    return expect(response, status).content.decode()


def json_of(response, status: int = 200):
    """The parsed JSON body of a response that answered ``status``."""
    return expect(response, status).json()
