"""Hostile .xlsx files built in the suite (a few KB each), written byte by byte rather than by a library.

``bomb`` repeats one deflate block that was flushed with Z_FULL_FLUSH (so it refers to nothing
before it): 16 million identical cells cost 1 MB of compression work and a few hundred KB of file,
and the sheet is never held in memory.
"""

import struct
import zlib

from tests.households.helpers import HEADERS as ROSTER_HEADERS

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLTX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def content_types(main=XLSX_MAIN, extra=""):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>{extra}</Types>'
    ).encode()


PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    b' Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    b' Target="worksheets/sheet1.xml"/></Relationships>'
)


def text_cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row(headers=ROSTER_HEADERS):
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return '<row r="1">' + "".join(text_cell(f"{letters[i]}1", h) for i, h in enumerate(headers)) + "</row>"


def sheet(rows="", dimension=None, prolog=""):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<worksheet xmlns="{MAIN_NS}" '
        f'xmlns:r="{REL_NS}">{dim}<sheetData>{header_row()}{rows}</sheetData></worksheet>'
    ).encode()


def one_cell_at(ref):
    """The template's header plus one cell at ``ref`` (and the dimension Excel would write for it)."""
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook(sheet(f'<row r="{row}">{text_cell(ref, "x")}</row>', dimension=f"A1:{ref}"))


def _deflate(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def workbook(sheet_xml, *, main=XLSX_MAIN, extra_types="", extra_parts=None):
    parts = [
        ("[Content_Types].xml", content_types(main, extra_types)),
        ("_rels/.rels", PACKAGE_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet_xml),
        *(extra_parts or {}).items(),
    ]
    return zip_raw([(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in parts])


def bomb(cells=16_000_000, cell='<c r="A2"><v>1</v></c>'):
    """A sheet of ``cells`` identical cells in one row, compressed without ever holding the sheet."""
    block_cells = 50_000
    block = (cell * block_cells).encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    flushed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats, rest = divmod(cells, block_cells)
    assert rest == 0
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'
        f'<sheetData>{header_row()}<row r="2">'
    ).encode()
    tail = b"</row></sheetData></worksheet>"
    # Each piece is its own flushed deflate run; the last one closes the stream.
    opening = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = [opening.compress(head) + opening.flush(zlib.Z_FULL_FLUSH)]
    compressed += [flushed] * repeats
    closing = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed.append(closing.compress(tail) + closing.flush())
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(block) + len(tail)
    entries = [
        (name, _deflate(data), zlib.crc32(data), len(data))
        for name, data in (
            ("[Content_Types].xml", content_types()),
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        )
    ]
    entries.append(("xl/worksheets/sheet1.xml", b"".join(compressed), crc, size))
    return zip_raw(entries)


def zip_raw(entries):
    """A zip of deflated entries given as (name, raw deflate bytes, crc32, uncompressed size)."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0x800,
            8,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0)
    return bytes(out)
