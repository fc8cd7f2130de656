"""The one writer of official documents (公文, .docx), laid out after GB/T 9704-2012.

A document is described as data (:class:`OfficialDocument`: issuer, 文号, title, addressees, a list of
blocks, signature, 抄送 and 印发 lines) and rendered here, so that the bulletin, a settlement's cover
letter and the assessment notice share one layout: A4 with the standard's margins, the issuing office's
mark in red over a red rule, the 文号 centred under it, the title in 小标宋, the body in 仿宋 with
two-character indents, 黑体 headings, tables whose header row repeats on every page, the issuing office
and date at the right, the 抄送 / 印发 block between rules at the end, and page numbers "— 1 —" at the
outer edge (odd pages right, even pages left).

The standard names 方正小标宋简体, 仿宋_GB2312 and 黑体; few machines have the first two. Each font is
declared in the document's font table with an alternative (``w:altName``) that every Chinese Windows,
WPS or LibreOffice with Chinese fonts has, so a reader without the standard's fonts gets the nearest
one instead of a Latin substitute. Nothing is downloaded: python-docx's built-in template is the base.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
NUMBER_FONT = "宋体"
# The alternative a reader uses when it lacks the standard's font (w:altName in the font table).
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", NUMBER_FONT: "SimSun"}
RED = RGBColor(0xFF, 0x00, 0x00)

# GB/T 9704: 三号 (16 pt) body, 二号 (22 pt) title, 22 lines of 28 characters on A4.
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
TABLE_SIZE = Pt(12)
LINE = Pt(28.9)
# The paragraph properties that follow w:pBdr in CT_PPr's sequence (ECMA-376 §17.3.1.26).
PPR_AFTER_BORDERS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
MEDIA_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Heading:
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence]
    # Columns (by index) whose cells are numbers: right-aligned.
    numeric: Sequence[int] = ()
    total_row: Sequence | None = None


@dataclass
class OfficialDocument:
    issuer: str
    document_number: str
    title: str
    addressees: str
    blocks: list = field(default_factory=list)
    signatory: str = ""
    issued_on: date | None = None
    cc: str = ""
    printed_by: str = ""
    # Wide tables (the annex) read better on a landscape page.
    landscape: bool = False


def chinese_date(value: date) -> str:
    """2021年11月5日, as a 成文日期 is written (Arabic numerals, no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def _text(value) -> str:
    return "" if value is None else str(value)


def _font(run, name: str, size, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _paragraph(
    container,
    text: str,
    *,
    font: str = BODY_FONT,
    size=BODY_SIZE,
    align=None,
    indent: bool = True,
    bold: bool = False,
    color=None,
    space_after=0,
):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE if size == BODY_SIZE else Emu(int(max(size * 1.3, Pt(14))))
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Emu(size * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _border(paragraph, edge: str, *, color: str = "000000", size: int = 6) -> None:
    """A rule above or below a paragraph (the red rule under the mark, the lines of the 印发 block)."""
    props = paragraph._p.get_or_add_pPr()
    borders = props.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # Word refuses a paragraph whose properties are out of the schema's order: pBdr comes before
        # shd, tabs, spacing, ind, jc and the rest.
        props.insert_element_before(borders, *PPR_AFTER_BORDERS)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_number(footer, align) -> None:
    """ "— 1 —" in 四号 宋体: a PAGE field between em dashes."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    _font(paragraph.add_run("— "), NUMBER_FONT, Pt(14))
    run = paragraph.add_run()
    _font(run, NUMBER_FONT, Pt(14))
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), NUMBER_FONT, Pt(14))


def _declare_fallbacks(document) -> None:
    """Add the standard's fonts to the font table, each with the alternative a reader falls back to."""
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alternative in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), alternative)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(alt)
        font.append(charset)
        root.append(font)
    # A plain (non-XML) part in python-docx: its bytes are what is saved.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _table_size(columns: int):
    """Smaller type for wider tables, so that numbers stay on one line across a portrait page."""
    return TABLE_SIZE if columns <= 5 else Pt(10.5) if columns <= 8 else Pt(9)


def _mark_size(text: str, width_pt: float):
    """The issuing office's mark on one line: as large as 36 pt, smaller for a long name."""
    return Pt(min(36, int(width_pt / max(len(text), 1)) - 1))


def _table(document, block: Table, width) -> None:
    columns = len(block.columns)
    size = _table_size(columns)
    rows = list(block.rows) + ([block.total_row] if block.total_row is not None else [])
    table = document.add_table(rows=1 + len(rows), cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    # The header row repeats on every page the table runs onto.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, block.columns, strict=True):
        cell.text = ""
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(_text(text)), HEADING_FONT, size)
    # The first column holds names (县（市、区）, 改造类型): half as wide again as a column of numbers.
    unit = int(width / (columns + 0.5))
    for position, column in enumerate(table.columns):
        for cell in column.cells:
            cell.width = Emu(unit * 3 // 2 if position == 0 else unit)
    for index, values in enumerate(rows, start=1):
        bold = block.total_row is not None and index == len(rows)
        for position, (cell, value) in enumerate(zip(table.rows[index].cells, values, strict=False)):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if position in block.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _font(paragraph.add_run(_text(value)), BODY_FONT, size, bold=bold)
    document.add_paragraph()


def write_official_document(doc: OfficialDocument) -> bytes:
    document = Document()
    document.core_properties.title = doc.title
    document.core_properties.author = doc.issuer
    _declare_fallbacks(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    body = document
    text_width = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU per pt
    _paragraph(
        body,
        doc.issuer,
        font=TITLE_FONT,
        size=_mark_size(doc.issuer, text_width),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        color=RED,
        space_after=16,
    )
    number = _paragraph(body, doc.document_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=6)
    _border(number, "bottom", color="FF0000", size=18)
    _paragraph(body, "", indent=False)
    _paragraph(
        body, doc.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=12
    )
    if doc.addressees:
        _paragraph(body, doc.addressees, indent=False)
    for block in doc.blocks:
        if isinstance(block, Heading):
            _paragraph(body, block.text, font=HEADING_FONT)
        elif isinstance(block, Paragraph):
            _paragraph(body, block.text)
        elif isinstance(block, Table):
            _table(body, block, section.page_width - section.left_margin - section.right_margin)
        else:  # pragma: no cover - a programming error, not input
            raise TypeError(f"unknown block {block!r}")
    _paragraph(body, "", indent=False)
    if doc.signatory:
        signature = _paragraph(body, doc.signatory, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        signature.paragraph_format.right_indent = Pt(64)
    if doc.issued_on:
        dated = _paragraph(body, chinese_date(doc.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        dated.paragraph_format.right_indent = Pt(64)
    _paragraph(body, "", indent=False)
    if doc.cc:
        cc = _paragraph(body, f"抄送：{doc.cc}", size=Pt(14), indent=False)
        _border(cc, "top")
        _border(cc, "bottom", size=4)
    if doc.printed_by:
        printed = f"{doc.printed_by}\u3000\u3000{chinese_date(doc.issued_on)}印发" if doc.issued_on else doc.printed_by
        line = _paragraph(body, printed, size=Pt(14), indent=False)
        if not doc.cc:
            _border(line, "top")
        _border(line, "bottom")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_response(*, content: bytes, filename: str):
    """A .docx download with its Chinese file name (RFC 5987)."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=MEDIA_DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
