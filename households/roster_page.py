"""The roster's pages: keyset cursor pages (core/pagination.py) on the ``household_roster_order`` index.

The order is the index's, ``(plan, county, township, village, id)`` with the plan fixed by the
queryset: OFFSET pages walked and threw away every row before the page, and ordering by the county
table's ``order`` sorted the whole plan. The API list pages with ``RosterPagination``; the HTML page
and the export read the same order and count limit here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.pagination import InvalidCursor, KeysetCursorPagination, KeysetPage, encode_key, keyset_page

__all__ = ["COUNT_LIMIT", "MAX_PAGE_SIZE", "ORDER", "InvalidCursor", "RosterPagination", "encode_cursor", "roster_page"]

ORDER = ("county_id", "township", "village", "id")
COUNT_LIMIT = 10_000
MAX_PAGE_SIZE = 200


class RosterPagination(KeysetCursorPagination):
    ordering = ORDER
    max_page_size = MAX_PAGE_SIZE
    page_refused_message = gettext_lazy("花名册按游标分页：请使用上一页返回的 next 或 previous 链接，不再接受 page。")

    @property
    def count_limit(self):
        # Read per request: the list, the page and the background export share one figure (tests change it).
        return COUNT_LIMIT


def encode_cursor(row: dict) -> str:
    return encode_key([row["county_id"], row["township"], row["village"], row["pk"]])


def roster_page(queryset, rows_of, *, size: int, after: str = "", before: str = "") -> KeysetPage:
    """One page for the HTML list (``after``/``before`` are bare keys there). Raises ``InvalidCursor``."""
    return keyset_page(
        queryset, ordering=ORDER, size=size, count_limit=COUNT_LIMIT, after=after, before=before, rows_of=rows_of
    )
