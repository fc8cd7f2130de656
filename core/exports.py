"""The one xlsx/CSV writer every export uses.

Exports are rows produced by a scoped selector; this module only renders them. It guarantees what
every export must: Chinese headers, numbers written as values (never formulas, so readers that do
not recalculate see the figures), text that starts like a formula (``= + - @``) written as text,
a frozen header, number formats, one printed page wide. xlsxwriter's constant-memory mode keeps a
100,000-row export in a few MB; the file is written to a temporary file and streamed.
"""

from __future__ import annotations

import csv
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FORMATS = {
    "text": {},
    # A text column whose empty cells are also text ("@"), so that an ID number typed into a template
    # is not turned into a number by Excel.
    "forced_text": {"num_format": "@"},
    "int": {"num_format": "#,##0"},
    # Households counted from m² (943 or 943.5): whole numbers print as whole numbers.
    "count": {"num_format": "#,##0.00"},
    "decimal": {"num_format": "#,##0.00"},
    "money": {"num_format": "#,##0.00"},
    "rate": {"num_format": "0.00%"},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
}


@dataclass
class Column:
    header: str
    kind: str = "text"
    width: int = 12


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: Iterable[Sequence]
    title: str | None = None
    # Optional grouped header row above the column headers: [(label, span), ...].
    header_groups: list[tuple[str, int]] | None = None
    total_row: Sequence | None = None
    landscape: bool = True
    notes: list[str] = field(default_factory=list)
    # Drop-down lists under the header: (column index, allowed values), down to row ``validation_rows``.
    validations: list[tuple[int, list[str]]] = field(default_factory=list)
    validation_rows: int = 0


# Excel refuses these in a worksheet name (and XML refuses control characters anywhere).
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
SHEET_NAME_MAX = 31


def sheet_names(names: Sequence[str]) -> list[str]:
    """Worksheet names Excel accepts, for names that come from data (a county called ``A/B:[C]``).

    Forbidden characters become ``_``, at most 31 characters, no apostrophe at either end, never blank
    or the reserved ``History``, and unique ignoring case (Excel's rule): a repeat gets `` (2)``, …
    """
    used: set[str] = set()
    result = []
    for raw in names:
        base = _SHEET_NAME_FORBIDDEN.sub("_", str(raw or "")).strip().strip("'")[:SHEET_NAME_MAX].strip().strip("'")
        if not base or base.lower() == "history":
            base = f"{base or 'Sheet'}_"
        name, n = base, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
            n += 1
        used.add(name.lower())
        result.append(name)
    return result


def neutralise(value):
    """Text that a spreadsheet would read as a formula, made plain text (CSV needs the quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _text_units(text: str) -> int:
    """Width of a text in column-width units: a Chinese character takes two, a Latin one one."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def header_height(text: str, width: float) -> float:
    """Points a wrapped header cell needs so that its last line does not run into the row below."""
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(_text_units(part) / max(width - 1, 1)))
    return 14.0 * lines + 4


def footer_text() -> str:
    """The printed footer: export time at the left, "第 1 页 共 3 页" in the middle (Excel's codes:
    &L/&C sections, &P page, &N pages)."""
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return f"&L导出时间：{exported}&C第 &P 页 共 &N 页"


def _print_setup(ws, *, landscape: bool, header_end: int) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.repeat_rows(0, header_end)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.8)
    ws.set_footer(footer_text(), {"margin": 0.3})


def write_xlsx(sheets: Sequence[Sheet], fileobj) -> None:
    workbook = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    base = {"font_name": "SimSun", "font_size": 10, "border": 1}
    header_format = workbook.add_format(
        {**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#EEF1F5", "text_wrap": True}
    )
    title_format = workbook.add_format(
        {"font_name": "SimHei", "font_size": 14, "bold": True, "align": "center", "valign": "vcenter"}
    )
    note_format = workbook.add_format({"font_name": "SimSun", "font_size": 9, "italic": True})
    cell_formats = {kind: workbook.add_format({**base, **spec}) for kind, spec in FORMATS.items()}
    total_formats = {kind: workbook.add_format({**base, **spec, "bold": True}) for kind, spec in FORMATS.items()}

    for sheet, name in zip(sheets, sheet_names([s.name for s in sheets]), strict=True):
        ws = workbook.add_worksheet(name)
        ncols = len(sheet.columns)
        for index, column in enumerate(sheet.columns):
            if column.kind == "forced_text":
                ws.set_column(index, index, column.width, cell_formats["forced_text"])
            else:
                ws.set_column(index, index, column.width)
        row = 0
        if sheet.title:
            if ncols > 1:
                ws.merge_range(row, 0, row, ncols - 1, sheet.title, title_format)
            else:
                ws.write_string(row, 0, sheet.title, title_format)
            ws.set_row(row, 28)
            row += 1
        for note in sheet.notes:
            ws.write_string(row, 0, note, note_format)
            row += 1
        label_above: set[int] = set()
        if sheet.header_groups:
            heights = []
            col = 0
            for label, span in sheet.header_groups:
                heights.append(header_height(label, sum(c.width for c in sheet.columns[col : col + span])))
                col += span
            ws.set_row(row, max(heights))
            col = 0
            for label, span in sheet.header_groups:
                if span > 1:
                    ws.merge_range(row, col, row, col + span - 1, label, header_format)
                elif col < ncols and label == sheet.columns[col].header:
                    # A single column whose group label is its own header: written once, the cell
                    # under it left blank (constant-memory mode cannot merge across rows).
                    ws.write_string(row, col, label, header_format)
                    label_above.add(col)
                else:
                    ws.write_string(row, col, label, header_format)
                col += span
            row += 1
        ws.set_row(row, max(header_height(c.header, c.width) for c in sheet.columns))
        for index, column in enumerate(sheet.columns):
            if index in label_above:
                ws.write_blank(row, index, None, header_format)
            else:
                ws.write_string(row, index, column.header, header_format)
        header_end = row
        ws.freeze_panes(header_end + 1, 0)
        row += 1
        for values in sheet.rows:
            _write_row(ws, row, sheet.columns, values, cell_formats)
            row += 1
        if sheet.total_row is not None:
            _write_row(ws, row, sheet.columns, sheet.total_row, total_formats)
            row += 1
        for col, choices in sheet.validations:
            # A warning, not a stop: the importer also reads codes and other spellings (城镇, urban).
            ws.data_validation(
                header_end + 1,
                col,
                header_end + sheet.validation_rows,
                col,
                {"validate": "list", "source": choices, "error_type": "warning", "ignore_blank": True},
            )
        _print_setup(ws, landscape=sheet.landscape, header_end=header_end)
    workbook.close()


def _write_row(ws, row: int, columns: Sequence[Column], values: Sequence, formats) -> None:
    for col, (column, value) in enumerate(zip(columns, values, strict=False)):
        kind = column.kind
        if kind == "count" and isinstance(value, (int, Decimal)) and value == int(value):
            kind = "int"
        fmt = formats.get(kind, formats["text"])
        value = _cell_value(value)
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, Decimal)):
            # xlsx stores IEEE doubles; Decimal yuan with 2 places survive the round trip exactly.
            ws.write_number(row, col, value, fmt)
        elif isinstance(value, (datetime, date)):
            ws.write_datetime(row, col, value, fmt)
        else:
            # write_string never interprets its argument, so "=1+1" stays text.
            ws.write_string(row, col, str(value), formats["forced_text" if column.kind == "forced_text" else "text"])


def xlsx_response(*, filename: str, sheets: Sequence[Sheet], fast: bool = False) -> FileResponse:
    """``fast=True``: one plain sheet written by ``write_xlsx_fast`` (for 100,000-row exports)."""
    tmp = tempfile.TemporaryFile()
    if fast:
        (sheet,) = sheets
        write_xlsx_fast(sheet, tmp)
    else:
        write_xlsx(sheets, tmp)
    tmp.seek(0)
    response = FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return response


class _Echo:
    def write(self, value):
        return value


def csv_rows(columns: Sequence[Column], rows: Iterable[Sequence], total_row: Sequence | None = None):
    """CSV lines, UTF-8 with a BOM so that Excel opens Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.header for c in columns])
    for values in rows:
        yield writer.writerow([_csv_value(v) for v in values])
    if total_row is not None:
        yield writer.writerow([_csv_value(v) for v in total_row])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return neutralise(value)


def csv_response(*, filename: str, columns: Sequence[Column], rows: Iterable[Sequence], total_row=None):
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_rows(columns, rows, total_row)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- Fast path for very large single-sheet exports -------------------------------------------------
# xlsxwriter spends ~5-10 µs per cell; a 100,000-row roster has ~2 million cells. This writer emits the
# worksheet XML itself, row by row, straight into a deflate stream (constant memory), with the same
# guarantees as write_xlsx: header row frozen and repeated on every printed page, numbers as values,
# every string as an inline string (never a formula), the same number formats, A4, one page wide.
# It supports a plain sheet only (no title, notes, header groups): write_xlsx handles those.

_XML_ESCAPE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_XML_ESCAPE.update({c: None for c in range(32) if c not in (9, 10, 13)})
_FAST_STYLE = {
    "text": 2,
    "forced_text": 3,
    "int": 4,
    "count": 5,
    "decimal": 5,
    "money": 5,
    "rate": 6,
    "date": 7,
    "datetime": 8,
}
_EXCEL_EPOCH = date(1899, 12, 30)
CELL_CACHE = 2000  # distinct values per column whose cell XML write_xlsx_fast keeps (a few MB in all)
_EXCEL_EPOCH_DT = datetime(1899, 12, 30)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _fast_text(text: str) -> str:
    text = text.translate(_XML_ESCAPE)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' s="2" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _fast_cell(style: int, value) -> str:
    """The part of a ``<c>`` element after its ``r`` attribute."""
    if value is None or value == "":
        return f' s="{style}"/>'
    if isinstance(value, str):
        return _fast_text(value)
    if isinstance(value, bool):
        return f' s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f' s="{style}"><v>{value}</v></c>'
    if isinstance(value, Decimal):
        return f' s="{style}"><v>{format(value, "f")}</v></c>'
    if isinstance(value, float):
        return f' s="{style}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        value = _cell_value(value)
        delta = value - _EXCEL_EPOCH_DT
        return f' s="{style}"><v>{delta.days + delta.seconds / 86400!r}</v></c>'
    if isinstance(value, date):
        return f' s="{style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    return _fast_text(str(value))


_FAST_STYLES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="4"><numFmt numFmtId="164" formatCode="#,##0.00"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="167" formatCode="0.00%"/></numFmts>
<fonts count="2"><font><sz val="10"/><name val="SimSun"/><family val="2"/><charset val="134"/></font><font><b/><sz val="10"/><name val="SimSun"/><family val="2"/><charset val="134"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFEEF1F5"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="9">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="167" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def write_xlsx_fast(sheet: Sheet, fileobj) -> None:
    """One plain sheet (header row + rows + optional total row), streamed; see the comment above."""
    if sheet.title or sheet.notes or sheet.header_groups:
        raise ValueError("write_xlsx_fast writes plain sheets only; use write_xlsx")
    from xml.sax.saxutils import quoteattr

    sheet_name = sheet_names([sheet.name])[0]
    name = quoteattr(sheet_name)
    print_titles = ("'" + sheet_name.replace("'", "''") + "'!$1:$1").translate(_XML_ESCAPE)
    letters = [_column_letters(i) for i in range(len(sheet.columns))]
    styles = [_FAST_STYLE.get(c.kind, 2) for c in sheet.columns]
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        f"{print_titles}</definedName></definedNames>"
        "</workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": _FAST_STYLES_XML,
    }
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            cols = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{c.width}" customWidth="1"'
                + (' style="3"' if c.kind == "forced_text" else "")
                + "/>"
                for i, c in enumerate(sheet.columns)
            )
            header_row_height = max(header_height(c.header, c.width) for c in sheet.columns)
            header = "".join(
                f'<c r="{letters[i]}1" s="1" t="inlineStr"><is><t>{c.header.translate(_XML_ESCAPE)}</t></is></c>'
                for i, c in enumerate(sheet.columns)
            )
            raw.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>"
                    f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                    f'<row r="1" ht="{header_row_height}" customHeight="1">{header}</row>'
                ).encode()
            )
            number = 1
            buffer: list[str] = []
            extra = [sheet.total_row] if sheet.total_row is not None else []
            # Most cells repeat down a column (townships, villages, types, statuses, dates, amounts): their
            # XML is built once. One cache per column, keyed by type too (1 == 1.0 == True == Decimal(1)),
            # holding at most CELL_CACHE values: a column of names or ID numbers stops growing its cache.
            caches = [{} for _ in sheet.columns]

            def cell(style, value, cache):
                key = (value.__class__, value)
                xml = cache.get(key)
                if xml is None:
                    xml = _fast_cell(style, value)
                    if len(cache) < CELL_CACHE:
                        cache[key] = xml
                return xml

            for values in _chain(sheet.rows, extra):
                number += 1
                n = str(number)
                buffer.append(
                    f'<row r="{n}">'
                    + "".join(
                        [
                            f'<c r="{letter}{n}"{cell(style, value, cache)}'
                            for letter, style, value, cache in zip(letters, styles, values, caches, strict=False)
                        ]
                    )
                    + "</row>"
                )
                if len(buffer) >= 500:
                    raw.write("".join(buffer).encode())
                    buffer.clear()
            raw.write("".join(buffer).encode())
            landscape = "landscape" if sheet.landscape else "portrait"
            footer = footer_text().translate(_XML_ESCAPE)
            raw.write(
                (
                    "</sheetData>"
                    '<printOptions horizontalCentered="1"/>'
                    '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.8" header="0.3" footer="0.3"/>'
                    f'<pageSetup paperSize="9" orientation="{landscape}" fitToWidth="1" fitToHeight="0"/>'
                    f"<headerFooter><oddFooter>{footer}</oddFooter></headerFooter>"
                    "</worksheet>"
                ).encode()
            )


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable
