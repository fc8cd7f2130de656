"""Where the roster's header is in the files offices send: title rows above it, two header rows.

Offices put a title (“2021年XX县清洁取暖改造户花名册”) and a unit line above the header, or group
the columns under a merged upper header (“基本信息” over 乡镇…身份证号). The header is the row of
the first ``HEADER_SEARCH_ROWS`` that names the most template columns; an upper header row only
contributes where the header row is blank (a cell merged down from above keeps its value in the
upper row). Nothing here knows the columns: the importer passes its recogniser.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

HEADER_SEARCH_ROWS = 10


@dataclass
class Table:
    header: list
    rows: Iterator[tuple[int, list]]  # (row number in the sheet, values), after the header
    header_row: int  # its row number in the sheet
    skipped_title_rows: int  # non-blank rows above the header that were not read


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_header(numbered: Iterable[tuple[int, list]], recognise: Callable[[list], dict]) -> Table | None:
    """The header among the first rows of ``numbered`` and the rows after it; None for an empty sheet."""
    numbered = iter(numbered)
    head = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
    if not head:
        return None
    scores = [len(recognise(list(values))) for _number, values in head]
    # The most columns named, the first such row on a tie; no row naming any: the first row, as before.
    best = max(range(len(head)), key=lambda i: (scores[i], -i))
    header = list(head[best][1])
    upper_used = False
    if best > 0:
        above = list(head[best - 1][1])
        width = max(len(header), len(above))
        header += [None] * (width - len(header))
        above += [None] * (width - len(above))
        merged = [upper if _blank(value) else value for value, upper in zip(header, above, strict=True)]
        if len(recognise(merged)) > scores[best]:
            header, upper_used = merged, True
        else:
            header = list(head[best][1])
    skipped = sum(1 for _number, values in head[: best - upper_used] if not all(_blank(v) for v in values))
    return Table(
        header=header,
        rows=itertools.chain(head[best + 1 :], numbered),
        header_row=head[best][0],
        skipped_title_rows=skipped,
    )
