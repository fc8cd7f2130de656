"""The draft's targets from the annex workbook: a dry run shows every change and every error by cell;
nothing is written until confirmed; the JSON plan file says the same problems in the same words."""

import copy
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from counties.models import Target
from counties.plan_file import PlanFileError, parse_plan
from tests.counties.plan_years import annex_rows, make_draft, workbook_bytes
from tests.counties.test_plan_loading import shipped_plan

URL = "/api/v1/plans/2022/targets/import/"


@pytest.fixture
def draft(users, plan):
    return make_draft(users, plan)


def snapshot(plan):
    return sorted(Target.objects.filter(plan=plan).values_list("county__code", "retrofit_type__code", "households"))


def upload(api, user, content, *, dry_run, name="targets.xlsx"):
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "true"
    return api(user).post(URL, data, format="multipart")


def test_the_unchanged_annex_shows_no_change(api, users, draft):
    response = upload(api, users["city"], workbook_bytes(annex_rows()), dry_run=True)
    assert response.status_code == 200
    assert response.json() == {"changes": [], "errors": [], "applied": False}


def test_a_dry_run_shows_each_change_and_writes_nothing_then_the_import_applies_it(api, users, draft):
    rows = annex_rows()
    rows[0][1] = 12000  # 盐湖区 煤改电 10000 → 12000
    rows[0][5] = 15731 + 2000
    rows[1][4] = 120000  # 永济市 既有建筑 110000 ㎡ (1100 户) → 120000 ㎡
    rows[1][5] = 8100 + 100
    before = snapshot(draft)
    response = upload(api, users["city"], workbook_bytes(rows), dry_run=True)
    assert response.status_code == 200
    assert response.json()["errors"] == []
    assert [(c["county"], c["type"], c["old"], c["new"]) for c in response.json()["changes"]] == [
        ("盐湖区", "coal_to_electric", "10000", "12000"),
        ("永济市", "building_retrofit", "110000", "120000"),
    ]
    assert snapshot(draft) == before
    response = upload(api, users["city"], workbook_bytes(rows), dry_run=False)
    assert response.status_code == 200
    assert response.json()["applied"] is True
    assert (
        Target.objects.get(plan=draft, county__code="140802", retrofit_type__code="coal_to_electric").households
        == 12000
    )
    building = Target.objects.get(plan=draft, county__code="140881", retrofit_type__code="building_retrofit")
    assert (building.households, building.area_m2) == (1200, 120000)


def test_every_error_names_its_cell_and_nothing_is_written(api, users, draft):
    rows = annex_rows()
    rows[0][0] = "火星县"  # A3
    rows[1][2] = -5  # C4
    rows[2][3] = 12.5  # D5
    rows[3][5] = 1  # F6: 临猗县's stated total
    content = workbook_bytes(rows)
    before = snapshot(draft)
    response = upload(api, users["city"], content, dry_run=True)
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert errors[:3] == [
        "A3：未知的县（市、区）“火星县”。",
        "C4：不能为负数（-5）。",
        "D5：“12.5”不是整数。",
    ]
    assert "F6：各类型合计 15878 户，与所列总户数 1 不符。" in errors
    # The 合计 row (row 16) is not compared where a row was refused: its sum is not known, and the
    # refused cell is already named once.
    assert not any(e.startswith(("B16", "C16", "D16", "E16", "F16")) for e in errors)
    response = upload(api, users["city"], content, dry_run=False)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["file"] == errors
    assert snapshot(draft) == before


def test_a_total_row_that_disagrees_names_its_cell(api, users, draft):
    content = workbook_bytes(annex_rows())
    book = load_workbook(io.BytesIO(content))
    book.active["C16"] = 15848
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(api, users["city"], buffer.getvalue(), dry_run=True)
    assert response.status_code == 200
    assert response.json()["errors"] == ["C16：各县相加为 15847 户，与所列合计 15848 不符。"]


def test_one_bad_cell_in_a_workbook_with_its_sums_is_one_error(api, users, draft):
    rows = annex_rows()
    rows[2][2] = -5  # C5: the third county's 煤改气
    content = workbook_bytes(rows)
    book = load_workbook(io.BytesIO(content))
    book.active["C16"] = sum(r[2] for r in annex_rows())  # the 合计 row as the template had it
    book.active["F16"] = sum(r[5] for r in annex_rows())
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(api, users["city"], buffer.getvalue(), dry_run=True)
    assert response.status_code == 200
    assert response.json()["errors"] == ["C5：不能为负数（-5）。"]


def test_a_county_may_be_named_by_its_code_and_an_unknown_column_is_refused(api, users, draft):
    rows = annex_rows()
    rows[0][0] = 140802
    response = upload(api, users["city"], workbook_bytes(rows), dry_run=True)
    assert response.status_code == 200
    assert response.json()["errors"] == []
    header = ["县（市、区）", "煤改电（户）", "魔法取暖（户）", "集中供热（户）", "既有建筑节能改造（㎡）", "总户数"]
    response = upload(api, users["city"], workbook_bytes(annex_rows(), header=header), dry_run=True)
    assert response.status_code == 200
    assert response.json()["errors"] == ["C2：未知的改造类型“魔法取暖（户）”。"]


def test_a_file_that_is_not_a_workbook_is_an_error_not_a_crash(api, users, draft):
    response = upload(api, users["city"], b"not a workbook at all", dry_run=True, name="x.xlsx")
    assert response.status_code == 200
    assert len(response.json()["errors"]) == 1
    response = upload(api, users["city"], b"PK\x03\x04garbage", dry_run=False, name="x.xlsx")
    assert response.status_code == 400


def test_a_published_plans_targets_are_not_imported(api, users, plan):
    response = api(users["city"]).post(
        "/api/v1/plans/2021/targets/import/",
        {"file": SimpleUploadedFile("t.xlsx", workbook_bytes(annex_rows())), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 409
    assert "目标调整" in response.json()["detail"]


def test_the_template_is_the_copied_years_figures_and_reads_back_unchanged(api, web, users, draft):
    response = web(users["city"]).get("/plans/2022/targets/template.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in values if r[0] == "县（市、区）")
    assert header[1:] == ["煤改电（户）", "煤改气（户）", "集中供热（户）", "既有建筑节能改造（㎡）", "总户数"]
    linyi = next(r for r in values if r[0] == "临猗县")
    assert linyi[1:] == [9000, 2300, 1000, 357800, 15878]
    response = upload(api, users["city"], content, dry_run=True)
    assert response.status_code == 200
    assert response.json() == {"changes": [], "errors": [], "applied": False}


def _problem(message: str) -> str:
    """A message without its place (before the first full-width colon)."""
    return message.split("：", 1)[1]


def _json_errors(data):
    with pytest.raises(PlanFileError, match="目标表") as excinfo:
        parse_plan(data, known_counties=set(), known_types=set())
    return excinfo.value.errors


def test_the_plan_file_and_the_workbook_say_the_same_problem_in_the_same_words(api, users, draft):
    rows = annex_rows()
    rows[0][0] = "140899"
    rows[1][2] = -5
    rows[2][3] = 12.5
    response = upload(api, users["city"], workbook_bytes(rows, total=False), dry_run=True)
    assert response.status_code == 200
    workbook = [_problem(e) for e in response.json()["errors"]]

    data = copy.deepcopy(shipped_plan())
    data["targets"]["rows"][0]["county"] = "140899"
    data["targets"]["rows"][1]["values"][1] = -5
    data["targets"]["rows"][2]["values"][2] = 12.5
    plan_file = [_problem(e) for e in _json_errors(data)]
    assert workbook == ["未知的县（市、区）“140899”。", "不能为负数（-5）。", "“12.5”不是整数。"]
    assert set(workbook) <= set(plan_file)

    rows = annex_rows()
    rows[3][5] = 1
    response = upload(api, users["city"], workbook_bytes(rows, total=False), dry_run=True)
    assert response.status_code == 200
    data = copy.deepcopy(shipped_plan())
    data["targets"]["rows"][3]["total"] = 1
    assert [_problem(e) for e in response.json()["errors"]] == [_problem(e) for e in _json_errors(data)]


def test_the_manage_page_previews_then_applies_on_confirm(web, users, draft):
    client = web(users["city"])
    rows = annex_rows()
    rows[0][1] = 12000
    rows[0][5] = 17731
    response = client.post(
        "/plans/2022/manage/",
        {"action": "preview", "file": SimpleUploadedFile("t.xlsx", workbook_bytes(rows))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认导入" in page and "12000" in page
    assert (
        Target.objects.get(plan=draft, county__code="140802", retrofit_type__code="coal_to_electric").households
        == 10000
    )
    token = response.context["preview"].token
    response = client.post("/plans/2022/manage/", {"action": "apply", "token": token})
    assert response.status_code == 302
    assert (
        Target.objects.get(plan=draft, county__code="140802", retrofit_type__code="coal_to_electric").households
        == 12000
    )


def test_the_manage_page_shows_errors_by_cell_and_offers_no_confirm(web, users, draft):
    rows = annex_rows()
    rows[1][2] = -5
    response = web(users["city"]).post(
        "/plans/2022/manage/", {"action": "preview", "file": SimpleUploadedFile("t.xlsx", workbook_bytes(rows))}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "C4：不能为负数（-5）。" in page and "确认导入" not in page


def test_publish_and_close_on_the_page_ask_for_confirmation_first(web, users, plan):
    # A year whose last month is still ahead (2099).
    draft = make_draft(users, plan, year=2099)
    client = web(users["city"])
    response = client.post("/plans/2099/manage/", {"action": "publish"})
    assert response.status_code == 302 and response["Location"].endswith("?confirm=publish")
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "确认下达" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = client.post("/plans/2099/manage/", {"action": "publish", "confirmed": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    response = client.post("/plans/2099/manage/", {"action": "close", "confirmed": "1"}, follow=True)
    assert response.status_code == 200
    assert "尚未过去" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "published"


def test_the_new_plan_page_starts_a_draft(web, users, plan):
    client = web(users["city"])
    response = client.get("/plans/new/")
    assert response.status_code == 200
    assert "复制自" in response.content.decode()
    response = client.post(
        "/plans/new/",
        {
            "year": "2022",
            "title": "运城市2022年冬季清洁取暖工作实施方案",
            "document_number": "运政办发〔2022〕12号",
            "document_date": "2022-06-01",
            "deadline": "2022-10-31",
            "report_due_day": "5",
            "copy_from": "2021",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/plans/2022/manage/"
    assert Target.objects.filter(plan__year=2022).count() == 52
    response = client.post(
        "/plans/new/", {"year": "2022", "title": "x", "document_date": "2022-06-01", "deadline": "2022-10-31"}
    )
    assert response.status_code == 200
    assert "2022年度方案已存在" in response.content.decode()
