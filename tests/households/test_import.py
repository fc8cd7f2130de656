import io
import zipfile
from datetime import date

import pytest

from households import importer
from households.models import Household
from tests.households.helpers import HEADERS, by_id_number, id_of, make_id, post_import, problems, row, workbook
from tests.http import expect

pytestmark = pytest.mark.django_db


def test_a_clean_file_imports_every_row_for_the_clerks_county(api, users):
    content = workbook([row(1), row(2, type_="既有建筑节能改造", area_class="城镇", area=120.5, completed="")])
    response = post_import(api(users["clerk"]), content)
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2
    first, second = Household.objects.all()
    assert {first.county.code, second.county.code} == {"140802"}
    by_id = {id_of(h): h for h in Household.objects.all()}
    assert by_id[make_id(seq=1)].status == "completed" and by_id[make_id(seq=1)].area_class == "rural"
    retrofit = by_id[make_id(seq=2)]
    assert retrofit.status == "registered" and str(retrofit.area_m2) == "120.50"
    assert retrofit.retrofit_type.code == "building_retrofit" and retrofit.area_class == "urban"


def test_codes_are_accepted_for_type_and_area_class_and_lower_case_x_is_normalised(api, users):
    ident = make_id(seq=7)
    ident = ident if ident.endswith("X") else make_id(birth="19491231", area="110105", seq=2)
    assert ident.endswith("X")
    content = workbook([row(id_number=ident.lower(), type_="coal_to_gas", area_class="urban", hardship="低保户")])
    response = post_import(api(users["clerk"]), content)
    assert response.status_code == 201, response.json()
    household = Household.objects.get()
    assert id_of(household) == ident and household.retrofit_type.code == "coal_to_gas"
    assert household.hardship == "dibao"


def test_dry_run_reports_what_would_be_created_and_writes_nothing(api, users):
    response = post_import(api(users["clerk"]), workbook([row(1), row(2)]), dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["created"] == 2 and len(body["preview"]) == 2
    assert body["preview"][0]["id_number"] == make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:]
    assert Household.objects.count() == 0


def test_every_problem_is_reported_per_row_and_column_and_nothing_is_imported(api, users):
    good = make_id(seq=1)
    wrong_check = make_id(seq=2)[:-1] + ("0" if make_id(seq=2)[-1] != "0" else "1")
    content = workbook(
        [
            row(1),
            row(id_number=wrong_check),
            row(id_number=make_id(birth="19810230", seq=3)[:17] + "0"),
            row(id_number="140802800101001"),
            row(seq=5, type_="太阳能"),
            row(seq=6, area_class="郊区"),
            row(seq=7, name=""),
            row(id_number=good),
            row(seq=9, type_="既有建筑节能改造", area=""),
            row(seq=10, completed="2021-13-45"),
            row(seq=11, hardship="特困户"),
            row(seq=12, phone="call me"),
            row(id_number=make_id(birth="20991231", seq=13)),
            row(seq=14, area="-3", type_="既有建筑节能改造"),
        ]
    )
    response = post_import(api(users["clerk"]), content)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    found = {(r, c): m for r, c, m in problems(response)}
    assert "校验位" in found[(3, "身份证号")]
    assert "出生日期" in found[(4, "身份证号")]
    assert "15位" in found[(5, "身份证号")]
    assert "改造类型" in found[(6, "改造类型")]
    assert "城乡" in found[(7, "城乡")]
    assert "必填" in found[(8, "户主姓名")]
    assert "第2行" in found[(9, "身份证号")]
    assert "面积" in found[(10, "面积（㎡）")]
    assert "无法识别" in found[(11, "完工日期")]
    assert "困难类别" in found[(12, "困难类别")]
    assert "联系电话" in found[(13, "联系电话")]
    assert "出生日期" in found[(14, "身份证号")]
    assert (15, "面积（㎡）") in found
    assert (2, "身份证号") not in found
    assert body["errors"]["file.3.身份证号"] == [found[(3, "身份证号")]]
    assert Household.objects.count() == 0


def test_an_old_1427_area_code_is_valid_whatever_the_county(api, users):
    response = post_import(api(users["clerk"]), workbook([row(id_number=make_id(area="142701", seq=1))]))
    assert response.status_code == 201


def test_an_id_stored_as_a_number_is_refused(api, users):
    response = post_import(api(users["clerk"]), workbook([row(id_number=140802198001010011)]))
    assert response.status_code == 400
    assert "文本格式" in problems(response)[0][2]


def test_an_id_registered_in_another_county_is_refused_without_revealing_that_household(api, users):
    assert post_import(api(users["other_clerk"]), workbook([row(1, name="李四", village="西村")])).status_code == 201
    for mode in ("create", "update"):
        response = post_import(api(users["clerk"]), workbook([row(1), row(2)]), mode=mode)
        assert response.status_code == 400
        text = response.content.decode()
        assert "其他县" in text and "李四" not in text and "西村" not in text and "永济" not in text
    assert Household.objects.count() == 1


def test_create_mode_refuses_an_already_registered_id_and_update_mode_updates_it(api, users):
    client = api(users["clerk"])
    assert post_import(client, workbook([row(1, name="张三")])).status_code == 201
    response = post_import(client, workbook([row(1, name="张三丰"), row(2)]))
    assert response.status_code == 400 and "更新" in problems(response)[0][2]
    response = post_import(client, workbook([row(1, name="张三丰"), row(2)]), mode="update")
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["updated"]) == (1, 1)
    assert by_id_number(make_id(seq=1)).head_name == "张三丰"
    assert Household.objects.count() == 2


def test_update_mode_keeps_an_accepted_households_status(api, users):
    client = api(users["clerk"])
    expect(post_import(client, workbook([row(1)])), 201)
    Household.objects.update(status="accepted", accepted_on=date(2021, 10, 1))
    expect(post_import(client, workbook([row(1, note="复核")]), mode="update"), 201)
    household = Household.objects.get()
    assert household.status == "accepted" and household.note == "复核"


def test_the_city_office_imports_with_a_county_column_or_a_chosen_county(api, users):
    client = api(users["city"])
    content = workbook([["140881", *row(1)], ["盐湖区", *row(2)]], headers=["县（市、区）", *HEADERS])
    assert post_import(client, content).status_code == 201
    assert {id_of(h): h.county.code for h in Household.objects.all()} == {
        make_id(seq=1): "140881",
        make_id(seq=2): "140802",
    }
    response = post_import(client, workbook([row(3)]))
    assert response.status_code == 400 and problems(response)[0][1] == "县（市、区）"
    assert post_import(client, workbook([row(3)]), county="140823").status_code == 201
    assert by_id_number(make_id(seq=3)).county.code == "140823"


def test_a_clerk_cannot_import_rows_for_another_county(api, users):
    content = workbook([["永济市", *row(1)]], headers=["县（市、区）", *HEADERS])
    response = post_import(api(users["clerk"]), content)
    assert response.status_code == 400 and "本县" in problems(response)[0][2]
    assert post_import(api(users["clerk"]), workbook([row(1)]), county="140881").status_code == 403


def test_a_missing_column_is_reported_on_the_header_row(api, users):
    headers = [h for h in HEADERS if h != "身份证号"]
    response = post_import(api(users["clerk"]), workbook([row(1)[:3] + row(1)[4:]], headers=headers))
    assert response.status_code == 400 and problems(response) == [
        (1, "身份证号", "缺少“身份证号”列，请使用下载的模板。")
    ]


def test_blank_rows_are_skipped_and_an_empty_sheet_is_an_error(api, users):
    response = post_import(api(users["clerk"]), workbook([row(1), [""] * 11, row(2)]))
    assert response.status_code == 201 and response.json()["created"] == 2
    response = post_import(api(users["clerk"]), workbook([]))
    assert response.status_code == 400


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        # Not a zip and not an OLE file: read as CSV, and this is no text.
        (b"\x89PNG\r\n\x1a\n\x00\x00", "unknown_encoding"),
        (b"PK\x03\x04" + b"\x00" * 200, "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "corrupt"),
        (_zip({"hello.txt": "hi"}), "not_xlsx"),
        (_zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<broken"}), "corrupt"),
    ],
)
def test_unreadable_files_get_a_clear_error_not_a_500(api, users, content, code):
    response = post_import(api(users["clerk"]), content)
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert "可导入的文件：.xlsx、.xls、.csv" in response.json()["detail"]


def test_a_decompression_bomb_is_refused(api, users):
    bomb = _zip(
        {"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>", "xl/worksheets/sheet1.xml": b"0" * 5_000_000}
    )
    response = post_import(api(users["clerk"]), bomb)
    assert response.status_code == 400 and response.json()["code"] == "zip_bomb"


def test_a_file_over_the_size_limit_is_refused(api, users, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 2000
    response = post_import(api(users["clerk"]), workbook([row(i) for i in range(1, 50)]))
    assert response.status_code == 413 and "MB" in response.json()["detail"]


def test_more_rows_than_the_limit_are_refused(api, users, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    response = post_import(api(users["clerk"]), workbook([row(i) for i in range(1, 5)]))
    assert response.status_code == 400 and response.json()["code"] == "too_many_rows"
    assert Household.objects.count() == 0


def test_a_request_without_a_file_is_a_validation_error(api, users):
    response = api(users["clerk"]).post("/api/v1/plans/2021/households/import/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_text_with_tabs_backslashes_and_line_breaks_is_stored_as_typed(api, users):
    note = "门牌\t12\\3号\n东侧"
    client = api(users["clerk"])
    assert post_import(client, workbook([row(1, note=note)])).status_code == 201
    assert (
        post_import(client, workbook([row(1, note=note + "！"), row(2, note=note)]), mode="update").status_code == 201
    )
    assert sorted(Household.objects.values_list("note", flat=True)) == sorted([note + "！", note])


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(api, users, monkeypatch):
    monkeypatch.setattr(importer, "MAX_UNCOMPRESSED_BYTES", 2000)
    response = post_import(api(users["clerk"]), workbook([row(i) for i in range(1, 30)]))
    assert response.status_code == 400 and response.json()["code"] == "zip_bomb"
