"""core.csv_guard: which encoding a CSV is read in, and the rows it yields."""

import io

import pytest

from core import csv_guard
from core.xlsx_guard import XlsxLimits

LIMITS = XlsxLimits(max_rows=5, max_columns=4, max_total_bytes=1 << 20, max_part_bytes=1 << 20)
TEXT = "乡镇,村\r\n解州镇,东村\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (b"township,village\r\n", "utf-8-sig"),
    ],
)
def test_the_encoding_is_the_one_the_whole_file_decodes_in(data, encoding):
    assert csv_guard.detect_encoding(io.BytesIO(data)) == encoding


def test_gbk_text_is_not_taken_for_utf8():
    data = TEXT.encode("gbk")
    with pytest.raises(UnicodeDecodeError, match="utf-8"):
        data.decode("utf-8")
    assert list(csv_guard.csv_rows(io.BytesIO(data), limits=LIMITS)) == [["乡镇", "村"], ["解州镇", "东村"]]


def test_a_bom_is_not_part_of_the_first_header():
    rows = list(csv_guard.csv_rows(io.BytesIO(TEXT.encode("utf-8-sig")), limits=LIMITS))
    assert rows[0] == ["乡镇", "村"]


def test_a_tab_separated_file_is_read_by_its_tabs():
    data = "乡镇\t村\n解州镇\t东村,北\n".encode()
    assert list(csv_guard.csv_rows(io.BytesIO(data), limits=LIMITS)) == [["乡镇", "村"], ["解州镇", "东村,北"]]


def test_empty_trailing_fields_do_not_count_as_columns():
    data = b"a,b,,,,,,,,,\n"
    assert list(csv_guard.csv_rows(io.BytesIO(data), limits=LIMITS)) == [["a", "b"]]


def test_rows_beyond_the_limit_are_refused_while_reading():
    rows = csv_guard.csv_rows(io.BytesIO(b"a\n" * 10), limits=LIMITS)
    assert [next(rows) for _ in range(5)] == [["a"]] * 5
    with pytest.raises(csv_guard.WorkbookRefused, match="超过 5 行"):
        next(rows)


def test_the_upload_is_left_open_after_reading():
    upload = io.BytesIO(TEXT.encode())
    list(csv_guard.csv_rows(upload, limits=LIMITS))
    assert not upload.closed
