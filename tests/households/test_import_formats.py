"""The roster import reads the files offices have (issue 22, section 3): .xls, CSV in UTF-8 or GB18030,
title rows and two-level headers, and says what is wrong and how to fix it when it cannot.

``files/roster-with-title.xls`` was made once with LibreOffice 7.4 (``soffice --headless --convert-to xls``)
from the workbook ``titled_workbook(XLS_ROWS)`` below builds, with 身份证号 formatted as text and 完工日期
as a date; the test compares it with that workbook, not with what the app reads.
"""

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from households import importer
from households.models import Household
from tests.households.helpers import (
    HEADERS,
    body_bytes,
    by_id_number,
    make_household,
    make_id,
    problems,
    row,
    workbook,
)

pytestmark = pytest.mark.django_db
IMPORT = "/api/v1/plans/2021/households/import/"
XLS = Path(__file__).parent / "files" / "roster-with-title.xls"
ACCEPTED = ".xlsx、.xls、.csv"
OUTSIDE_GBK = "王䶮𠀀"  # 䶮 (CJK Ext. A) and 𠀀 (Ext. B): GB18030 has them, GBK does not
XLS_ROWS = [
    row(1),
    row(2, type_="既有建筑节能改造", area_class="城镇", area=120.5, completed=""),
    row(3, name=OUTSIDE_GBK, hardship="低保户", note="备注"),
]


def send(client, content, name, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, content), **fields}
    return client.post(IMPORT, data, format="multipart")


def csv_bytes(rows, *, encoding, headers=HEADERS, title_rows=()):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for title in title_rows:
        writer.writerow([title])
    writer.writerow(headers)
    for values in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in values])
    return text.getvalue().encode(encoding)


def titled_workbook(rows, titles=("2021年盐湖区清洁取暖改造户花名册",)):
    wb = openpyxl.Workbook()
    ws = wb.active
    for title in titles:
        ws.append([title])
    ws.append(HEADERS)
    for values in rows:
        ws.append([None if v == "" else v for v in values])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def preview(response):
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_test_name_is_outside_gbk_but_inside_gb18030():
    for char in OUTSIDE_GBK[1:]:
        with pytest.raises(UnicodeEncodeError, match="gbk"):
            char.encode("gbk")
        assert char.encode("gb18030").decode("gb18030") == char


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_in_utf8_with_or_without_bom_or_gb18030_reads_the_same_rows_as_the_xlsx(api, users, encoding):
    client = api(users["clerk"])
    expected = preview(send(client, workbook(XLS_ROWS), "roster.xlsx", dry_run="true"))
    got = preview(send(client, csv_bytes(XLS_ROWS, encoding=encoding), "roster.csv", dry_run="true"))
    assert got == expected and got["rows"] == 3
    assert got["preview"][2]["head_name"] == OUTSIDE_GBK


def test_a_gb18030_csv_imports_names_outside_gbk(api, users):
    response = send(api(users["clerk"]), csv_bytes(XLS_ROWS, encoding="gb18030"), "花名册.csv")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    assert by_id_number(make_id(seq=3)).head_name == OUTSIDE_GBK
    assert by_id_number(make_id(seq=2)).area_m2 == pytest.approx(120.5)


def test_an_xls_made_by_libreoffice_reads_the_same_rows_as_the_xlsx_and_skips_its_title(api, users):
    client = api(users["clerk"])
    expected = preview(send(client, titled_workbook(XLS_ROWS), "roster.xlsx", dry_run="true"))
    got = preview(send(client, XLS.read_bytes(), "roster.xls", dry_run="true"))
    assert got == expected
    assert got["skipped_title_rows"] == 1 and [p["row"] for p in got["preview"]] == [3, 4, 5]
    response = send(client, XLS.read_bytes(), "roster.xls")
    assert response.status_code == 201, response.json()
    assert by_id_number(make_id(seq=1)).completed_on == date(2021, 9, 1)
    assert by_id_number(make_id(seq=3)).hardship == "dibao"


def test_title_rows_above_the_header_are_skipped_and_the_preview_says_so(api, users, web):
    content = titled_workbook([row(1), row(2)], titles=("2021年清洁取暖改造户花名册", "填报单位：盐湖区"))
    body = preview(send(api(users["clerk"]), content, "roster.xlsx", dry_run="true"))
    assert body["rows"] == 2 and body["skipped_title_rows"] == 2
    assert [p["row"] for p in body["preview"]] == [4, 5]
    from tests.households.helpers import upload

    page = web(users["clerk"]).post(
        "/plans/2021/households/import/", {"step": "preview", "mode": "create", "file": upload(content)}
    )
    assert page.status_code == 200
    assert "已跳过表头上方的 2 行标题" in page.content.decode()


def test_a_file_without_title_rows_reports_none_skipped(api, users):
    body = preview(send(api(users["clerk"]), workbook([row(1)]), "roster.xlsx", dry_run="true"))
    assert body["skipped_title_rows"] == 0


def test_missing_columns_are_reported_on_the_header_row_found(api, users):
    content = titled_workbook([row(1)[:3]], titles=("标题",))
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb.active.delete_cols(4, 8)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = send(api(users["clerk"]), buffer.getvalue(), "roster.xlsx")
    assert response.status_code == 400
    missing = {(r, c) for r, c, _m in problems(response)}
    assert missing == {(2, "身份证号"), (2, "改造类型"), (2, "城乡")}


def two_level_workbook(rows, *, township_merged_down: bool):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2021年改造户花名册"])
    ws.append(["基本信息", None, None, None, None, "改造信息"])
    ws.append(HEADERS)
    ws.merge_cells("A2:E2")
    ws.merge_cells("F2:K2")
    if township_merged_down:
        # 乡镇 spans both header rows: its value sits in the upper cell only.
        ws["A2"].value = None
        ws.unmerge_cells("A2:E2")
        ws["A2"] = "乡镇"
        ws["A3"] = None
        ws.merge_cells("A2:A3")
        ws.merge_cells("B2:E2")
        ws["B2"] = "基本信息"
    for values in rows:
        ws.append([None if v == "" else v for v in values])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("township_merged_down", [False, True])
def test_a_two_level_merged_header_is_read_by_its_lowest_row(api, users, township_merged_down):
    content = two_level_workbook([row(1), row(2)], township_merged_down=township_merged_down)
    response = send(api(users["clerk"]), content, "roster.xlsx")
    assert response.status_code == 201, response.json()
    body = response.json()
    # The group row is read only where the lowest row is blank under it; otherwise it is skipped like a title.
    assert body["created"] == 2 and body["skipped_title_rows"] == (1 if township_merged_down else 2)
    assert by_id_number(make_id(seq=2)).township == "解州镇"


def test_an_excel_serial_date_is_read_as_a_date(api, users):
    # Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
    expected = date(1900, 1, 1) + timedelta(days=44440 - 2)
    client = api(users["clerk"])
    response = send(client, workbook([row(1, completed=44440)]), "roster.xlsx")
    assert response.status_code == 201, response.json()
    response = send(client, csv_bytes([row(2, completed="44440")], encoding="utf-8"), "roster.csv")
    assert response.status_code == 201, response.json()
    assert {h.completed_on for h in Household.objects.all()} == {expected}
    assert expected == date(2021, 9, 1)


def test_a_number_that_cannot_be_a_date_is_still_refused(api, users):
    response = send(api(users["clerk"]), workbook([row(1, completed=2021)]), "roster.xlsx")
    assert response.status_code == 400
    assert problems(response)[0][1] == "完工日期"


def test_a_leading_quote_on_an_id_or_phone_is_dropped(api, users):
    content = csv_bytes([row(1, id_number="'" + make_id(seq=1), phone="'13900000000")], encoding="utf-8")
    response = send(api(users["clerk"]), content, "roster.csv")
    assert response.status_code == 201, response.json()
    assert by_id_number(make_id(seq=1)).phone_masked.startswith("139")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (workbook([row(id_number=140802198001010011)]), "roster.xlsx"),
        (csv_bytes([row(id_number="1.40802E+17")], encoding="gb18030"), "roster.csv"),
    ],
)
def test_an_id_stored_as_a_number_says_the_digits_are_lost_and_how_to_format_the_column(api, users, content, name):
    response = send(api(users["clerk"]), content, name)
    assert response.status_code == 400
    (_row, column, message) = problems(response)[0]
    assert column == "身份证号"
    assert "已丢失" in message and "文本格式" in message and "设置单元格格式" in message


def test_a_masked_export_uploaded_again_is_refused_as_such(api, users, plan):
    for seq in (1, 2):
        make_household(plan, seq=seq)
    client = api(users["clerk"])
    exported = client.get("/api/v1/plans/2021/households/export.xlsx")
    assert exported.status_code == 200
    response = send(client, body_bytes(exported), "改造户花名册-2021.xlsx", mode="update")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "masked_export"
    assert "这是导出的脱敏花名册，身份证号已隐去，不能用于导入" in body["detail"]


@pytest.mark.parametrize(
    "content",
    [
        "乡镇,村\n".encode("utf-16"),  # UTF-16 ("Unicode 文本")
        b"\xff\xfe\x80\x81 not text",
        "乡镇,村,户主姓名\n".encode("gb18030")[:-3] + b"\xff\xff\n",
    ],
)
def test_a_file_in_no_known_encoding_is_refused_by_name(api, users, content):
    response = send(api(users["clerk"]), content, "roster.csv")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_encoding"
    assert "UTF-8" in body["detail"] and "GB18030" in body["detail"] and ACCEPTED in body["detail"]


def test_an_html_table_named_xls_is_refused_with_how_to_save_it(api, users):
    content = "<html><body><table><tr><td>乡镇</td></tr></table></body></html>".encode()
    response = send(api(users["clerk"]), content, "导出.xls")
    assert response.status_code == 400
    assert response.json()["code"] == "markup_table" and "另存为 .xlsx" in response.json()["detail"]


def test_a_csv_with_other_columns_gets_the_missing_columns_not_a_format_error(api, users):
    response = send(api(users["clerk"]), b"name,id\nzhang,1\n", "roster.csv")
    assert response.status_code == 400
    assert {c for _r, c, _m in problems(response)} == set(importer.REQUIRED)


def test_the_template_formats_ids_and_phones_as_text_with_drop_downs_and_an_example_row(api, users):
    response = api(users["clerk"]).get("/api/v1/plans/2021/households/template.xlsx")
    assert response.status_code == 200
    content = body_bytes(response)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["花名册", "填写说明"]
    ws = wb["花名册"]
    letters = {ws.cell(1, i + 1).value: openpyxl.utils.get_column_letter(i + 1) for i in range(len(HEADERS))}
    for name in ("身份证号", "联系电话"):
        assert ws.column_dimensions[letters[name]].number_format == "@"
        assert ws[f"{letters[name]}2"].number_format == "@"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert all(dv.type == "list" for dv in ws.data_validations.dataValidation)
    assert lists[f"{letters['改造类型']}2"] == '"煤改电,煤改气,集中供热,既有建筑节能改造"'
    assert lists[f"{letters['城乡']}2"] == '"中心城区及县城,农村"'
    assert lists[f"{letters['困难类别']}2"] == '"建档立卡贫困户,低保户,五保户"'
    assert str(ws["A2"].value).startswith("示例")
    # The example row alone is no data; with a row added it is skipped and the row imported.
    response = send(api(users["clerk"]), content, "template.xlsx")
    assert response.status_code == 400
    assert problems(response) == [(2, "", "表中没有数据行。")]
    ws.append(row(1))
    buffer = io.BytesIO()
    wb.save(buffer)
    response = send(api(users["clerk"]), buffer.getvalue(), "template.xlsx")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 1 and response.json()["preview"][0]["row"] == 3


def test_the_city_offices_template_marks_the_example_in_its_county_column(api, users):
    response = api(users["city"]).get("/api/v1/plans/2021/households/template.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(body_bytes(response)))["花名册"]
    assert ws["A1"].value == "县（市、区）" and str(ws["A2"].value).startswith("示例") and ws["B2"].value


# Hostile files: each is refused before xlrd or the CSV reader builds anything large.


def _patched_xls(find: bytes, replace: bytes) -> bytes:
    data = XLS.read_bytes()
    assert data.count(find) == 1
    return data.replace(find, replace)


# The LABELSST record (0x00FD, 10 bytes) of the title cell: row 0, column 0.
TITLE_CELL = b"\xfd\x00\x0a\x00\x00\x00\x00\x00"


def test_an_xls_naming_a_row_beyond_the_limit_is_refused_before_xlrd_reads_it(api, users, monkeypatch):
    import xlrd

    def no_read(*args, **kwargs):
        raise AssertionError("xlrd must not open a refused file")

    monkeypatch.setattr(xlrd, "open_workbook", no_read)
    # An .xls has at most 65,536 rows, under the roster's limit: a lower limit shows the check.
    monkeypatch.setattr(importer, "MAX_ROWS", 1000)
    hostile = _patched_xls(TITLE_CELL, b"\xfd\x00\x0a\x00" + (5000).to_bytes(2, "little") + b"\x00\x00")
    response = send(api(users["clerk"]), hostile, "roster.xls")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_rows" and ACCEPTED in response.json()["detail"]


def test_an_xls_with_a_cell_beyond_the_columns_is_refused(api, users):
    hostile = _patched_xls(TITLE_CELL, b"\xfd\x00\x0a\x00\x00\x00\xc8\x00")  # column 201
    response = send(api(users["clerk"]), hostile, "roster.xls")
    assert response.status_code == 400 and response.json()["code"] == "too_many_columns"


def test_an_xls_with_more_cells_than_the_limit_is_refused(api, users, monkeypatch):
    monkeypatch.setattr(importer, "MAX_CELLS", 10)
    response = send(api(users["clerk"]), XLS.read_bytes(), "roster.xls")
    assert response.status_code == 400 and response.json()["code"] == "too_many_cells"


def test_a_truncated_or_garbled_xls_is_refused_as_damaged(api, users):
    data = XLS.read_bytes()
    for hostile in (data[:3000], data[:512] + b"\xff" * (len(data) - 512)):
        response = send(api(users["clerk"]), hostile, "roster.xls")
        assert response.status_code == 400, response.content
        assert response.json()["code"] in ("corrupt", "not_spreadsheet")
        assert ACCEPTED in response.json()["detail"]


def test_an_xls_over_the_size_limit_is_refused_unread(api, users, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 4096
    response = send(api(users["clerk"]), XLS.read_bytes(), "roster.xls")
    assert response.status_code == 413 and "MB" in response.json()["detail"]


def test_a_csv_with_more_rows_than_the_limit_is_refused_while_streaming(api, users, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    content = csv_bytes([row(i) for i in range(1, 20)], encoding="gb18030")
    response = send(api(users["clerk"]), content, "roster.csv")
    assert response.status_code == 400 and response.json()["code"] == "too_many_rows"
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (",".join(HEADERS).encode() + b"\n" + b"," * 20_000 + b"x\n", "too_many_columns"),
        (",".join(HEADERS).encode() + b"\n" + b"a," * 30 + b"x\n", "too_many_columns"),
        (",".join(HEADERS).encode() + b'\n"' + b"x" * 200_000 + b"\n", "corrupt"),
    ],
    ids=["a line of commas", "too many filled columns", "an unclosed quote"],
)
def test_a_hostile_csv_is_refused_by_its_bounds(api, users, content, code):
    response = send(api(users["clerk"]), content, "roster.csv")
    assert response.status_code == 400
    assert response.json()["code"] == code and ACCEPTED in response.json()["detail"]
