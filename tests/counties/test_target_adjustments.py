"""Target changes with an effective month (issue 19 §3): recorded with the old value, who and when;
the API, the history page with its confirm step, load_plan --by, the admin, the county's notice."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from counties.models import County, RetrofitType, Target, TargetAdjustment
from counties.selectors import targets_in_force
from counties.services import target_adjust
from tests.counties.test_admin_import import confirm, import_then_confirm, workbook
from tests.counties.test_plan_loading import shipped_plan, write_plan

URL = "/api/v1/plans/2021/targets/adjustments/"
MOVE = {
    "county": "140802",
    "type": "coal_to_gas",
    "households": 4031,
    "effective_period": "2021-08",
    "reason": "省厅调剂：盐湖区 200 户煤改气调至永济市",
    "document_number": "晋清洁取暖办〔2021〕12号",
}


def target(code, type_code):
    return Target.objects.get(county__code=code, retrofit_type__code=type_code)


def ids(code, type_code):
    return County.objects.get(code=code).pk, RetrofitType.objects.get(code=type_code).pk


def test_the_city_office_records_an_adjustment_with_the_old_value_who_and_when(users, api):
    response = api(users["city"]).post(URL, MOVE, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["old_households"], body["new_households"], body["effective_period"]) == (4231, 4031, "2021-08")
    assert body["document_number"] == "晋清洁取暖办〔2021〕12号" and body["created_by"] == "city"
    adjustment = TargetAdjustment.objects.get()
    assert adjustment.created_by == users["city"] and adjustment.created_at is not None
    assert target("140802", "coal_to_gas").households == 4031  # the target keeps the current value


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("city", 201), ("finance", 403), ("department", 403), ("clerk", 403), ("norole", 403)],
)
def test_only_the_city_office_and_the_admin_may_record_an_adjustment(users, api, role, status):
    response = api(users[role]).post(URL, MOVE, format="json")
    assert response.status_code == status
    assert TargetAdjustment.objects.count() == (1 if status == 201 else 0)
    assert target("140802", "coal_to_gas").households == (4031 if status == 201 else 4231)


def test_an_anonymous_adjustment_is_refused(users, api):
    assert api().post(URL, MOVE, format="json").status_code in (401, 403)
    assert not TargetAdjustment.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", "请填写调整原因"),
        ({"effective_period": "2021-12"}, "effective_period", "报送期"),
        ({"households": 4231}, "households", "相同"),
        ({"county": "140899"}, "county", "未知的县"),
        ({"households": None}, "households", "户数或面积"),
        ({"households": None, "area_m2": "1000"}, "area_m2", "按户计"),
    ],
)
def test_a_bad_adjustment_is_a_400_in_chinese_and_nothing_is_saved(users, api, change, field, message):
    response = api(users["city"]).post(URL, {**MOVE, **change}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert any(message in m for m in body["errors"][field]), body
    assert not TargetAdjustment.objects.exists() and target("140802", "coal_to_gas").households == 4231


def test_a_building_retrofit_target_may_be_adjusted_in_square_metres(users, api):
    response = api(users["city"]).post(
        URL,
        {**MOVE, "county": "140821", "type": "building_retrofit", "households": None, "area_m2": "360000"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["old_area_m2"] == "357800.00" and response.json()["new_households"] == 3600  # 360000 ÷ 100
    assert target("140821", "building_retrofit").area_m2 == 360000


def test_a_county_without_a_target_of_a_type_gets_one_and_nothing_half_saved_on_error(users, api):
    assert not Target.objects.filter(county__code="140881", retrofit_type__code="coal_to_gas").exists() or (
        target("140881", "coal_to_gas").households == 0
    )
    refused = api(users["city"]).post(URL, {**MOVE, "county": "140881", "households": 200, "reason": ""}, format="json")
    assert refused.status_code == 400
    before = Target.objects.count()
    response = api(users["city"]).post(URL, {**MOVE, "county": "140881", "households": 200}, format="json")
    assert response.status_code == 201
    assert response.json()["old_households"] == 0 and target("140881", "coal_to_gas").households == 200
    assert Target.objects.count() in (before, before + 1)


def test_an_adjustment_may_not_take_effect_before_a_later_one_already_recorded(users):
    t = target("140802", "coal_to_gas")
    target_adjust(target=t, households=4100, effective_period="2021-09", reason="追加", by=users["city"])
    with pytest.raises(ValidationError, match="2021-09"):
        target_adjust(target=t, households=4000, effective_period="2021-08", reason="调剂", by=users["city"])


@pytest.mark.parametrize("role", ["admin", "city", "finance", "department", "clerk", "other_clerk"])
def test_every_role_may_list_the_adjustments(users, api, role):
    target_adjust(
        target=target("140802", "coal_to_gas"),
        households=4031,
        effective_period="2021-08",
        reason="调剂",
        by=users["city"],
    )
    response = api(users[role]).get(URL)
    assert response.status_code == 200
    [item] = response.json()
    assert (item["county"], item["type"], item["old_households"], item["new_households"]) == (
        "140802",
        "coal_to_gas",
        4231,
        4031,
    )
    assert item["reason"] == "调剂"


def test_a_user_without_a_role_may_not_list_the_adjustments(users, api):
    assert api(users["norole"]).get(URL).status_code == 403


def test_the_targets_in_force_are_the_old_value_before_the_effective_month_and_the_new_from_it(users):
    t = target("140802", "coal_to_gas")
    target_adjust(target=t, households=4031, effective_period="2021-08", reason="调剂", by=users["city"])
    target_adjust(target=t, households=4500, effective_period="2021-10", reason="追加", by=users["city"])
    key = ids("140802", "coal_to_gas")
    expected = {"2021-06": 4231, "2021-07": 4231, "2021-08": 4031, "2021-09": 4031, "2021-10": 4500}
    for period, households in expected.items():
        assert targets_in_force(plan=t.plan, period=period)[key][0] == households, period


def test_targets_in_force_runs_one_query_whatever_the_number_of_adjustments(users, django_assert_num_queries):
    plan = target("140802", "coal_to_gas").plan
    for code in ("140802", "140881", "140882", "140821"):
        t = target(code, "coal_to_electric")
        target_adjust(
            target=t, households=t.households + 10, effective_period="2021-09", reason="追加", by=users["city"]
        )
    with django_assert_num_queries(1):
        figures = targets_in_force(plan=plan, period="2021-08")
    assert figures[ids("140821", "coal_to_electric")][0] == 9000
    linyi = County.objects.get(code="140821").pk
    with django_assert_num_queries(1):
        figures = targets_in_force(plan=plan, period="2021-09", county_ids=[linyi])
    assert {county_id for county_id, _type_id in figures} == {linyi}
    assert figures[ids("140821", "coal_to_electric")][0] == 9010


def test_the_target_table_shows_the_current_target_marked_adjusted_with_a_link_to_the_history(users, web, api):
    target_adjust(
        target=target("140802", "coal_to_gas"),
        households=4031,
        effective_period="2021-08",
        reason="调剂",
        by=users["city"],
    )
    response = web(users["finance"]).get("/plans/2021/targets/")
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<tr data-county="140802">(.*?)</tr>', html, re.S).group(1)
    cell = re.search(r'<td class="num" data-type="coal_to_gas">(.*?)</td>', row, re.S).group(1)
    assert "4031" in cell and "已调整" in cell and "/plans/2021/targets/adjustments/" in cell
    assert "15531" in row  # 15731 − 200
    body = api(users["clerk"]).get("/api/v1/plans/2021/targets/")
    assert body.status_code == 200
    yuhu = next(r for r in body.json()["rows"] if r["county"] == "140802")
    assert yuhu["targets"]["coal_to_gas"] == 4031 and yuhu["adjusted"] == ["coal_to_gas"]


def test_the_history_page_lists_old_and_new_month_reason_number_and_who(users, web):
    target_adjust(
        target=target("140802", "coal_to_gas"),
        households=4031,
        effective_period="2021-08",
        reason="省厅调剂",
        document_number="晋清洁取暖办〔2021〕12号",
        by=users["city"],
    )
    response = web(users["clerk"]).get("/plans/2021/targets/adjustments/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("盐湖区", "4231", "4031", "2021-08", "省厅调剂", "晋清洁取暖办〔2021〕12号", "city"):
        assert text in html
    assert "记录目标调整" not in html  # a clerk has no form
    assert web(users["clerk"]).post("/plans/2021/targets/adjustments/", {}).status_code == 403


def test_the_city_office_confirms_an_adjustment_on_the_page_before_it_is_saved(users, web):
    client = web(users["city"])
    yuhu = County.objects.get(code="140802")
    gas = RetrofitType.objects.get(code="coal_to_gas")
    fields = {
        "county": yuhu.pk,
        "retrofit_type": gas.pk,
        "households": "4031",
        "effective_period": "2021-08",
        "reason": "省厅调剂",
        "document_number": "",
    }
    check = client.post("/plans/2021/targets/adjustments/", fields)
    assert check.status_code == 200
    assert "确认调整" in check.content.decode() and "由 4231 户调整为 4031 户" in check.content.decode()
    assert not TargetAdjustment.objects.exists()  # the check wrote nothing
    saved = client.post("/plans/2021/targets/adjustments/", {**fields, "confirmed": "1"})
    assert saved.status_code == 302
    assert TargetAdjustment.objects.get().created_by == users["city"]
    refused = client.post("/plans/2021/targets/adjustments/", {**fields, "households": "4100", "reason": ""})
    assert refused.status_code == 400 and "请填写调整原因" in refused.content.decode()


def test_the_countys_home_page_shows_the_notice_of_its_adjustments(users, web):
    target_adjust(
        target=target("140802", "coal_to_gas"),
        households=4031,
        effective_period="2021-08",
        reason="省厅调剂",
        by=users["city"],
    )
    target_adjust(
        target=target("140881", "coal_to_electric"),
        households=5100,
        effective_period="2021-08",
        reason="追加",
        by=users["city"],
    )
    response = web(users["clerk"]).get("/home/")
    assert response.status_code == 200
    html = response.content.decode()
    notice = re.search(r'id="target-adjustment-notice"(.*?)</section>', html, re.S).group(1)
    assert "由 4231 户调整为 4031 户" in notice and "2021-08" in notice and "省厅调剂" in notice
    assert "追加" not in notice  # another county's change


def moved_plan(tmp_path):
    data = shipped_plan()
    rows = {row["county"]: row for row in data["targets"]["rows"]}
    gas = data["targets"]["columns"].index("coal_to_gas")
    rows["140802"]["values"][gas] -= 200
    rows["140802"]["total"] -= 200
    rows["140881"]["values"][gas] += 200
    rows["140881"]["total"] += 200
    return write_plan(tmp_path, data)


def test_load_plan_records_a_changed_target_with_the_operator_given_by_by(users, tmp_path):
    call_command(
        "load_plan", moved_plan(tmp_path), "--by", "city", "--effective", "2021-08", "--reason", "省厅调剂", stdout=None
    )
    changes = {(a.target.county.code, a.old_households, a.new_households) for a in TargetAdjustment.objects.all()}
    assert changes == {("140802", 4231, 4031), ("140881", 0, 200)}
    assert all(
        a.created_by == users["city"] and a.effective_period == "2021-08" for a in TargetAdjustment.objects.all()
    )
    assert {a.reason for a in TargetAdjustment.objects.all()} == {"省厅调剂"}
    call_command("load_plan", moved_plan(tmp_path), "--by", "city", stdout=None)  # again: nothing changes
    assert TargetAdjustment.objects.count() == 2


def test_load_plan_defaults_the_reason_and_refuses_a_change_without_an_operator(users, tmp_path):
    with pytest.raises(CommandError, match="--by"):
        call_command("load_plan", moved_plan(tmp_path))
    assert target("140802", "coal_to_gas").households == 4231 and not TargetAdjustment.objects.exists()
    with pytest.raises(CommandError, match="nobody"):
        call_command("load_plan", moved_plan(tmp_path), "--by", "nobody")
    call_command("load_plan", moved_plan(tmp_path), "--by", "admin", "--effective", "2021-09", stdout=None)
    assert {a.reason for a in TargetAdjustment.objects.all()} == {"按方案文件更新"}


def test_the_admin_records_an_adjustment_through_the_service_with_its_user(users, web):
    client = web(users["admin"])
    t = target("140802", "coal_to_gas")
    page = client.get("/admin/counties/targetadjustment/add/")
    assert page.status_code == 200
    fields = {"target": t.pk, "new_households": "4031", "effective_period": "2021-08", "reason": "省厅调剂"}
    refused = client.post("/admin/counties/targetadjustment/add/", {**fields, "reason": ""})
    assert refused.status_code == 200 and not TargetAdjustment.objects.exists()
    response = client.post("/admin/counties/targetadjustment/add/", {**fields, "document_number": ""})
    assert response.status_code == 302
    adjustment = TargetAdjustment.objects.get()
    assert (adjustment.old_households, adjustment.new_households, adjustment.created_by) == (4231, 4031, users["admin"])
    assert target("140802", "coal_to_gas").households == 4031


def test_the_admin_change_form_of_a_target_no_longer_edits_its_value(users, web):
    client = web(users["admin"])
    t = target("140802", "coal_to_gas")
    page = client.get(f"/admin/counties/target/{t.pk}/change/")
    assert page.status_code == 200
    assert 'name="households"' not in page.content.decode()


def test_a_target_changed_by_an_admin_import_is_recorded_as_an_adjustment(users, web):
    client = web(users["admin"])
    upload = workbook(
        ["plan", "county", "type", "households", "area_m2"], [[2021, "140802", "coal_to_gas", 4031, None]]
    )
    preview = import_then_confirm(client, "counties/target", upload)
    assert not TargetAdjustment.objects.exists()  # the preview writes nothing
    assert confirm(client, "counties/target", preview).status_code == 302
    adjustment = TargetAdjustment.objects.get()
    assert (adjustment.old_households, adjustment.new_households, adjustment.created_by) == (4231, 4031, users["admin"])
    assert adjustment.reason == "管理后台表格导入"


def test_the_adjustments_api_is_in_the_schema(users, api):
    response = api(users["city"]).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/plans/{year}/targets/adjustments/"])


PAGE = "/plans/2021/targets/adjustments/"
PAGE_MATRIX = {
    "admin": (200, 400),
    "city": (200, 400),
    "finance": (200, 403),
    "department": (200, 403),
    "clerk": (200, 403),
    "other_clerk": (200, 403),
    "norole": (403, 403),
    None: (302, 302),
}


@pytest.mark.parametrize(("role", "statuses"), list(PAGE_MATRIX.items()))
def test_the_history_page_is_read_by_every_role_and_written_by_the_city_office_only(users, web, role, statuses):
    client = web(users[role] if role else None)
    read, write = statuses
    assert client.get(PAGE).status_code == read
    # an empty form: the city office gets its errors back (400), the others are refused
    assert client.post(PAGE, {}).status_code == write
    assert not TargetAdjustment.objects.exists()
