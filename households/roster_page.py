"""Pages of the roster whose cost does not grow with the roster: keyset (cursor) pages, a bounded count.

A page is read off the ``household_roster_order`` index, ``(plan, county, township, village, id)``: the
rows after (or before) a cursor, in that order, ``LIMIT size + 1``. OFFSET pages walked and threw away
every row before the page, and ordering by the county table's ``order`` sorted the whole plan.

The cursor is the last (or first) row's ``(county_id, township, village, id)``, base64url-encoded
JSON: opaque to clients, checked on the way in (a malformed cursor is invalid input, never a 500).
Rows are compared as one row value, ``(a, b, c, d) > (…)``, which PostgreSQL serves from the index
and SQLite (3.15+) understands.

The count is exact up to ``COUNT_LIMIT`` and otherwise "more than COUNT_LIMIT": counting a whole
province on every request cost as much as the page itself several times over.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from households.models import Household

ORDER = ("county_id", "township", "village", "id")
COUNT_LIMIT = 10_000
MAX_PAGE_SIZE = 200


class InvalidCursor(ValueError):
    pass


@dataclass
class RosterPage:
    rows: list[dict]
    next_cursor: str | None
    previous_cursor: str | None
    count: int | None  # exact when at most COUNT_LIMIT, else None ("more than COUNT_LIMIT")


def encode_cursor(row: dict) -> str:
    key = [row["county_id"], row["township"], row["village"], row["pk"]]
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(token) from None
    if not (
        isinstance(key, list)
        and len(key) == 4
        and all(type(v) is int for v in (key[0], key[3]))
        and all(isinstance(v, str) and len(v) <= 50 for v in (key[1], key[2]))
    ):
        raise InvalidCursor(token)
    return key


def _beyond(queryset: QuerySet, key: list, *, backwards: bool) -> QuerySet:
    table = connection.ops.quote_name(Household._meta.db_table)
    columns = ", ".join(f"{table}.{connection.ops.quote_name(c)}" for c in ORDER)
    operator = "<" if backwards else ">"
    return queryset.filter(RawSQL(f"({columns}) {operator} (%s, %s, %s, %s)", key, output_field=BooleanField()))


def bounded_count(queryset: QuerySet) -> int | None:
    """How many rows, if at most COUNT_LIMIT; else None. One query reading at most COUNT_LIMIT + 1 index rows."""
    n = queryset.order_by()[: COUNT_LIMIT + 1].count()
    return n if n <= COUNT_LIMIT else None


def roster_page(queryset: QuerySet, rows_of, *, size: int, after: str = "", before: str = "") -> RosterPage:
    """One page of ``queryset`` after the cursor ``after`` (or before ``before``; neither: the first page).

    ``rows_of`` turns a queryset into row dicts (``selectors.household_rows``). Raises ``InvalidCursor``.
    Two queries: the page and the bounded count (one when the first page is not full).
    """
    backwards = bool(before) and not after
    if after or before:
        queryset_page = _beyond(queryset, decode_cursor(after or before), backwards=backwards)
    else:
        queryset_page = queryset
    order = [f"-{c}" for c in ORDER] if backwards else list(ORDER)
    rows = list(rows_of(queryset_page.order_by(*order)[: size + 1]))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        next_cursor = encode_cursor(rows[-1]) if rows else None
        previous_cursor = encode_cursor(rows[0]) if rows and more else None
    else:
        next_cursor = encode_cursor(rows[-1]) if rows and more else None
        previous_cursor = encode_cursor(rows[0]) if rows and after else None
    # A first page that is not full holds every match: it is the count (a search for a person often is).
    count = len(rows) if not (after or before or more) else bounded_count(queryset)
    return RosterPage(rows, next_cursor, previous_cursor, count)
