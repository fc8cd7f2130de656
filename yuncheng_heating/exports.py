"""The one xlsx/CSV writer every export uses.

Exports are rows produced by a scoped selector; this module only renders them. It guarantees what
every export must: Chinese headers, numbers written as values (never formulas, so readers that do
not recalculate see the figures), text that starts like a formula (``= + - @``) written as text,
a frozen header, number formats, one printed page wide. xlsxwriter's constant-memory mode keeps a
100,000-row export in a few MB; the file is written to a temporary file and streamed.
"""

from __future__ import annotations

import csv
import tempfile
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


def neutralise(value):
    """Text that a spreadsheet would read as a formula, made plain text (CSV needs the quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


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

    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
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
        for index, column in enumerate(sheet.columns):
            if index in label_above:
                ws.write_blank(row, index, None, header_format)
            else:
                ws.write_string(row, index, column.header, header_format)
        header_end = row
        ws.freeze_panes(header_end + 1, 0)
        ws.repeat_rows(0, header_end)
        row += 1
        for values in sheet.rows:
            _write_row(ws, row, sheet.columns, values, cell_formats)
            row += 1
        if sheet.total_row is not None:
            _write_row(ws, row, sheet.columns, sheet.total_row, total_formats)
            row += 1
        ws.set_paper(9)  # A4
        if sheet.landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
    workbook.close()


def _write_row(ws, row: int, columns: Sequence[Column], values: Sequence, formats) -> None:
    for col, (column, value) in enumerate(zip(columns, values, strict=False)):
        fmt = formats.get(column.kind, formats["text"])
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
            ws.write_string(row, col, str(value), formats["text"])


def xlsx_response(*, filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    tmp = tempfile.TemporaryFile()
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
