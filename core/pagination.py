"""The API's two pagination classes: strict page numbers, and keyset cursors with a bounded count.

``StrictPageNumberPagination``: DRF answers ``?page=true`` or ``?page=0`` with a 404 "Invalid page"; a
client generator reads that as "no such resource". Here a page that is not a positive integer is
invalid input (400); a page past the end stays a 404.

``KeysetCursorPagination``: DRF's ``CursorPagination`` positions a page on the first ordering field
plus an offset among equal values, so a deep page in a table where thousands of rows share that value
(households of one county) still walks and throws away rows. Here the position is the whole ordering
key (which must be unique, ending in the primary key): the rows after (or before) it, compared as one
row value ``(a, b, c, d) > (…)`` that PostgreSQL serves from a matching index and SQLite (3.15+)
understands, ``LIMIT size + 1``. A page costs the same at any depth. The count is exact up to
``count_limit`` and otherwise null with ``count_exceeds``: counting a whole province on every request
cost as much as the page itself several times over. Malformed cursors, page sizes and a ``page``
parameter are invalid input (400), never a 404 or a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE = re.compile(r"[1-9][0-9]{0,8}")
PAGE_SIZE = re.compile(r"[1-9][0-9]{0,3}")
INT_BOUND = 2**63  # a key value the database can compare (SQLite raises beyond 64 bits)


class StrictPageNumberPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not PAGE.fullmatch(raw):
            raise ValidationError({self.page_query_param: [_("page 应为正整数。")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999999999}
        return parameters


class InvalidCursor(ValueError):
    pass


@dataclass
class KeysetPage:
    rows: list
    next_key: list | None
    previous_key: list | None
    count: int | None  # exact when at most the count limit, else None ("more than the limit")

    @property
    def next_cursor(self) -> str | None:
        return None if self.next_key is None else encode_key(self.next_key)

    @property
    def previous_cursor(self) -> str | None:
        return None if self.previous_key is None else encode_key(self.previous_key)


def encode_key(key: Sequence) -> str:
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(token: str, types: Sequence[tuple[type, int | None]]) -> list:
    """The key in ``token``, each value of its field's type (``(int, None)`` or ``(str, max_length)``)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(token) from None
    if not isinstance(key, list) or len(key) != len(types):
        raise InvalidCursor(token)
    for value, (kind, limit) in zip(key, types, strict=True):
        if type(value) is not kind:
            raise InvalidCursor(token)
        if kind is int and not -INT_BOUND < value < INT_BOUND:
            raise InvalidCursor(token)
        if kind is str and ((limit is not None and len(value) > limit) or "\x00" in value):
            raise InvalidCursor(token)
    return key


def key_types(model, ordering: Sequence[str]) -> list[tuple[type, int | None]]:
    types = []
    for name in ordering:
        field = model._meta.pk if name in ("pk", "id") else model._meta.get_field(name)
        if field.is_relation:
            field = field.target_field
        internal = field.get_internal_type()
        if internal.endswith("AutoField") or internal.endswith("IntegerField"):
            types.append((int, None))
        elif internal in ("CharField", "TextField", "SlugField"):
            types.append((str, field.max_length))
        else:
            raise NotImplementedError(f"keyset ordering on {internal} ({model.__name__}.{name})")
    return types


def _beyond(queryset: QuerySet, ordering: Sequence[str], key: list, *, backwards: bool) -> QuerySet:
    model = queryset.model
    table = connection.ops.quote_name(model._meta.db_table)
    columns = []
    for name in ordering:
        field = model._meta.pk if name in ("pk", "id") else model._meta.get_field(name)
        columns.append(f"{table}.{connection.ops.quote_name(field.column)}")
    placeholders = ", ".join(["%s"] * len(key))
    operator = "<" if backwards else ">"
    sql = f"({', '.join(columns)}) {operator} ({placeholders})"
    return queryset.filter(RawSQL(sql, key, output_field=BooleanField()))


def bounded_count(queryset: QuerySet, limit: int) -> int | None:
    """How many rows, if at most ``limit``; else None. One query reading at most ``limit + 1`` index rows."""
    n = queryset.order_by()[: limit + 1].count()
    return n if n <= limit else None


def _position(row, ordering: Sequence[str]) -> list:
    # Rows are model instances or ``values()`` dicts, where the primary key may be named "pk".
    if isinstance(row, dict):
        return [row[name] if name in row else row["pk"] for name in ordering]
    return [getattr(row, name) for name in ordering]


def keyset_page(
    queryset: QuerySet,
    *,
    ordering: Sequence[str],
    size: int,
    count_limit: int,
    after: str = "",
    before: str = "",
    rows_of: Callable = list,
) -> KeysetPage:
    """One page of ``queryset`` after the key ``after`` (or before ``before``; neither: the first page).

    ``rows_of`` turns the page's queryset into rows. Raises ``InvalidCursor``. Two queries: the page
    and the bounded count (one when the first page is not full: it holds every match).
    """
    backwards = bool(before) and not after
    page_queryset = queryset
    if after or before:
        key = decode_key(after or before, key_types(queryset.model, ordering))
        page_queryset = _beyond(queryset, ordering, key, backwards=backwards)
    order = [f"-{name}" for name in ordering] if backwards else list(ordering)
    rows = list(rows_of(page_queryset.order_by(*order)[: size + 1]))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        next_key = _position(rows[-1], ordering) if rows else None
        previous_key = _position(rows[0], ordering) if rows and more else None
    else:
        next_key = _position(rows[-1], ordering) if rows and more else None
        previous_key = _position(rows[0], ordering) if rows and after else None
    count = len(rows) if not (after or before or more) else bounded_count(queryset, count_limit)
    return KeysetPage(rows, next_key, previous_key, count)


class KeysetCursorPagination(CursorPagination):
    """Cursor pages on a unique ordering key, with ``count`` (exact up to ``count_limit``) and ``count_exceeds``.

    The cursor is ``a.<key>`` (the rows after the key) or ``b.<key>`` (the rows before it), the key
    base64url-encoded JSON: opaque to clients, checked on the way in. Follow ``next`` and ``previous``.
    """

    ordering: Sequence[str] = ("pk",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    count_limit = 10_000
    template = None
    # Why ``page`` is refused, said for the list (a lazy translation); default: the invalid-cursor message.
    page_refused_message = None

    def paginate_queryset(self, queryset, request, view=None, rows_of: Callable = list):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        if "page" in request.query_params:
            raise ValidationError(
                {"page": [str(self.page_refused_message or _("cursor 无效，请使用上一页返回的链接。"))]}
            )
        after, before = self._cursor(request)
        try:
            page = keyset_page(
                queryset,
                ordering=self.ordering,
                size=self.page_size,
                count_limit=self.count_limit,
                after=after,
                before=before,
                rows_of=rows_of,
            )
        except InvalidCursor:
            raise self._invalid_cursor() from None
        self.keyset = page
        self.has_next = page.next_key is not None
        self.has_previous = page.previous_key is not None
        self.page = page.rows
        return page.rows

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not PAGE_SIZE.fullmatch(raw) or int(raw) > self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [_("page_size 应为 1 至 %(n)d 的整数。") % {"n": self.max_page_size}]}
            )
        return int(raw)

    def _cursor(self, request) -> tuple[str, str]:
        raw = request.query_params.get(self.cursor_query_param, "")
        if not raw:
            return "", ""
        direction, _dot, key = raw.partition(".")
        if direction not in ("a", "b") or not key:
            raise self._invalid_cursor()
        return (key, "") if direction == "a" else ("", key)

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [_("cursor 无效，请使用上一页返回的链接。")]})

    def _link(self, direction: str, key: list | None) -> str | None:
        if key is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, f"{direction}.{encode_key(key)}")

    def get_next_link(self):
        return self._link("a", self.keyset.next_key)

    def get_previous_link(self):
        return self._link("b", self.keyset.previous_key)

    def get_paginated_response(self, data):
        count = self.keyset.count
        return Response(
            {
                "count": count,
                "count_exceeds": None if count is not None else self.count_limit,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["required"] = ["count", "count_exceeds", "next", "previous", "results"]
        body["properties"] = {
            "count": {"type": "integer", "nullable": True, "description": f"exact up to {self.count_limit}"},
            "count_exceeds": {"type": "integer", "nullable": True, "description": "the limit when count is null"},
            **body["properties"],
        }
        return body

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "opaque: the `next` or `previous` link of the page before; absent for the first page",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"rows per page, 1–{self.max_page_size}; default {self.page_size}",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
