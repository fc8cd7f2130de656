"""The shared .xlsx guard: hostile workbooks are refused from what their XML says, before any reader builds a grid."""

import io
import time
import zlib

import pytest

from core.xlsx_guard import WorkbookRefused, XlsxLimits, check_xlsx
from tests import hostile_xlsx as h
from tests.households.helpers import row, workbook

LIMITS = XlsxLimits(max_rows=1001, max_columns=16, max_total_bytes=64 << 20, max_part_bytes=64 << 20)


def refusal(content, limits=LIMITS):
    with pytest.raises(WorkbookRefused) as caught:
        check_xlsx(io.BytesIO(content), size=len(content), limits=limits)
    return caught.value


def accepted(content, limits=LIMITS):
    stream = io.BytesIO(content)
    check_xlsx(stream, size=len(content), limits=limits)
    return stream.tell() == 0


def test_a_workbook_written_by_openpyxl_and_one_written_by_hand_pass_and_the_stream_is_rewound():
    assert accepted(workbook([row(seq) for seq in range(1, 40)]))
    assert accepted(h.workbook(h.sheet('<row r="2">' + h.text_cell("P1001", "x") + "</row>", dimension="A1:P1001")))


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("XFD1048576", "too_many_columns"),
        ("AAA200001", "too_many_columns"),
        ("NTP10000", "too_many_columns"),
        ("Q2", "too_many_columns"),
        ("A1002", "too_many_rows"),
        ("a0001002", "too_many_rows"),
    ],
)
def test_one_cell_beyond_the_limits_is_refused_from_the_xml_alone(ref, code):
    content = h.workbook(h.sheet(f'<row r="2">{h.text_cell(ref, "x")}</row>'))
    assert len(content) < 3000
    assert refusal(content).code == code


@pytest.mark.parametrize(
    ("dimension", "code"), [("A1:XFD1048576", "too_many_columns"), ("A1:P9999999", "too_many_rows")]
)
def test_a_dimension_beyond_the_limits_is_refused_although_the_cells_are_few(dimension, code):
    assert refusal(h.workbook(h.sheet(dimension=dimension))).code == code


def test_a_row_numbered_beyond_the_limit_or_zero_is_refused():
    assert refusal(h.workbook(h.sheet('<row r="1048576"></row>'))).code == "too_many_rows"
    assert refusal(h.workbook(h.sheet('<row r="2"><c r="B0"><v>1</v></c></row>'))).code == "unsupported_structure"


def implicit_rows(rows):
    """A sheet whose rows carry no number (the header row's included), placed one after the other."""
    return h.workbook(h.sheet(rows).replace(b'<row r="1">', b"<row>"))


def test_cells_without_references_count_along_their_row():
    assert refusal(implicit_rows("<row>" + "<c><v>1</v></c>" * 17 + "</row>")).code == "too_many_columns"
    assert accepted(implicit_rows("<row>" + "<c><v>1</v></c>" * 16 + "</row>"))
    mixed = '<row r="2"><c r="P2"><v>1</v></c><c><v>2</v></c></row>'
    assert refusal(h.workbook(h.sheet(mixed))).code == "unsupported_structure"


def test_rows_without_references_are_counted():
    assert accepted(implicit_rows("<row><c><v>1</v></c></row>" * 1000))
    assert refusal(implicit_rows("<row><c><v>1</v></c></row>" * 1001)).code == "too_many_rows"
    assert refusal(h.workbook(h.sheet("<row><c><v>1</v></c></row>"))).code == "unsupported_structure"


def test_sixteen_million_identical_cells_are_refused_after_the_first_megabyte():
    content = h.bomb()
    assert len(content) < 1_000_000
    started = time.perf_counter()
    assert (
        refusal(
            content, XlsxLimits(max_rows=200_001, max_columns=24, max_total_bytes=256 << 20, max_part_bytes=256 << 20)
        ).code
        == "zip_bomb"
    )
    assert time.perf_counter() - started < 5


def test_a_bomb_under_the_compression_ratio_still_stops_at_the_cell_cap():
    limits = XlsxLimits(
        max_rows=200_001,
        max_columns=24,
        max_cells=100_000,
        max_total_bytes=256 << 20,
        max_part_bytes=256 << 20,
        max_ratio=100_000,
    )
    assert refusal(h.bomb(cells=1_000_000), limits).code == "too_many_cells"


def test_a_part_that_unpacks_beyond_its_declared_size_is_refused():
    honest = h.sheet()
    lying = h.zip_raw(
        [
            (name, zlib.compress(data, 9)[2:-4], zlib.crc32(data), len(data))
            for name, data in (
                ("[Content_Types].xml", h.content_types()),
                ("_rels/.rels", h.PACKAGE_RELS),
                ("xl/workbook.xml", h.WORKBOOK),
                ("xl/_rels/workbook.xml.rels", h.WORKBOOK_RELS),
            )
        ]
        + [("xl/worksheets/sheet1.xml", zlib.compress(honest, 9)[2:-4], zlib.crc32(honest[:100]), 100)]
    )
    assert refusal(lying).code == "corrupt"


def test_macro_enabled_and_template_workbooks_are_refused_with_a_clear_message():
    xlsm = h.workbook(h.sheet(), main=h.XLSM_MAIN, extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60})
    refused = refusal(xlsm)
    assert refused.code == "macro_enabled" and "宏" in refused.message and ".xlsx" in refused.message
    assert refusal(h.workbook(h.sheet(), main=h.XLSM_MAIN)).code == "macro_enabled"
    assert refusal(h.workbook(h.sheet(), extra_parts={"xl/vbaProject.bin": b"x"})).code == "macro_enabled"
    refused = refusal(h.workbook(h.sheet(), main=h.XLTX_MAIN))
    assert refused.code == "template" and "模板" in refused.message


def test_a_dtd_is_refused_and_never_expanded():
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    assert refusal(h.workbook(h.sheet(prolog=laughs))).code == "dtd"


def test_prefixed_cells_and_other_encodings_are_refused_as_unsupported():
    prefixed = h.sheet('<x:row r="2"><x:c r="XFD2"><x:v>1</x:v></x:c></x:row>')
    assert refusal(h.workbook(prefixed)).code == "unsupported_structure"
    utf16 = h.sheet().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert refusal(h.workbook(utf16)).code == "unsupported_structure"


def test_an_archive_with_trailing_bytes_or_a_comment_is_refused_as_corrupt():
    content = workbook([row(1)])
    assert refusal(content + b"extra").code == "corrupt"
    assert refusal(content[:-2] + b"\x05\x00hello").code == "corrupt"
