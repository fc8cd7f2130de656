import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from households.models import ExportAudit, Household
from tests.households.helpers import (
    HEADERS,
    body_bytes,
    make_household,
    make_id,
    post_import,
    read_xlsx,
    row,
    upload,
    workbook,
)
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db
LIST = "/api/v1/plans/2021/households/"
EXPORT = "/api/v1/plans/2021/households/export.xlsx"


def masked(ident):
    return ident[:6] + "*" * 8 + ident[-4:]


@pytest.fixture
def roster(plan):
    return [
        make_household(plan, "140802", "coal_to_electric", 1, head_name="张三", phone="13812345678"),
        make_household(plan, "140802", "coal_to_gas", 2, head_name="李四", village="西村", area_class="urban"),
        make_household(plan, "140881", "coal_to_electric", 3, head_name="王五"),
        make_household(
            plan, "140881", "building_retrofit", 4, head_name="赵六", area_class="urban", area_m2=Decimal("120.50")
        ),
    ]


def test_ids_and_phones_are_masked_on_the_list_for_every_role(api, users, roster):
    for role in ("admin", "city", "finance", "clerk", "department"):
        rows = json_of(api(users[role]).get(LIST))["results"]
        first = next(r for r in rows if r["head_name"] == "张三")
        assert first["id_number"] == masked(make_id(seq=1)) and first["phone"] == "138****5678"
        detail = json_of(api(users[role]).get(f"{LIST}{first['id']}/"))
        assert (detail["id_number"], detail["phone"]) == (masked(make_id(seq=1)), "138****5678")


def test_each_role_sees_only_its_scope(api, users, roster):
    def names(role, query=""):
        return sorted(r["head_name"] for r in json_of(api(users[role]).get(LIST + query))["results"])

    assert names("city") == ["张三", "李四", "王五", "赵六"]
    assert names("clerk") == ["张三", "李四"]
    assert names("other_clerk") == ["王五", "赵六"]
    assert names("department") == ["张三", "王五"]
    assert names("clerk", "?county=140881") == []
    assert api(users["norole"]).get(LIST).status_code == 403
    assert api().get(LIST).status_code in (401, 403)


def test_filters_and_search(api, users, roster):
    def names(query):
        return sorted(r["head_name"] for r in json_of(api(users["city"]).get(LIST + query))["results"])

    assert names("?county=140881") == ["王五", "赵六"]
    assert names("?type=coal_to_gas") == ["李四"]
    assert names("?q=西村") == ["李四"]
    assert names("?q=王") == ["王五"]
    assert names(f"?q={make_id(seq=3)}") == ["王五"]
    assert names(f"?q={make_id(seq=3)[:10]}") == []
    Household.objects.filter(head_name="张三").update(status="accepted")
    assert names("?status=accepted") == ["张三"]


def test_the_list_is_paginated_and_carries_each_households_subsidy(api, users, roster, django_assert_max_num_queries):
    # the ninth query records in the security log that whole ID numbers were shown
    with django_assert_max_num_queries(9):
        body = json_of(api(users["city"]).get(LIST + "?page_size=2"))
    assert body["count"] == 4
    by_name = {r["head_name"]: r for r in body["results"]}
    # rural coal-to-electricity: city 2,100, county 2,500 (DOMAIN.md)
    assert (by_name["张三"]["subsidy_city"], by_name["张三"]["subsidy_county"]) == ("2100.00", "2500.00")
    assert (by_name["李四"]["subsidy_city"], by_name["李四"]["subsidy_county"]) == ("2700.00", "2800.00")
    rows = {r["head_name"]: r for r in json_of(api(users["city"]).get(LIST + "?county=140881"))["results"]}
    # building retrofit: 45 and 90 yuan per m² × 120.5 m²
    assert (rows["赵六"]["subsidy_city"], rows["赵六"]["subsidy_county"]) == ("5422.50", "10845.00")


def test_another_countys_household_is_not_found(api, users, roster):
    other = roster[2]
    assert api(users["clerk"]).get(f"{LIST}{other.pk}/").status_code == 404
    assert json_of(api(users["other_clerk"]).get(f"{LIST}{other.pk}/"))["id_number"] == masked(make_id(seq=3))


def test_the_export_masks_ids_for_a_clerk_and_is_not_audited(api, users, roster):
    response = api(users["clerk"]).get(EXPORT)
    assert response.status_code == 200
    sheet = read_xlsx(body_bytes(response))
    assert sheet[0][:12] == ["县（市、区）", *HEADERS]
    ids = sorted(r[4] for r in sheet[1:])
    assert ids == sorted([masked(make_id(seq=1)), masked(make_id(seq=2))])
    assert ExportAudit.objects.count() == 0


def test_a_whole_id_export_is_audited_with_who_when_and_how_many_rows(api, users, roster):
    response = expect(api(users["finance"]).get(EXPORT + "?county=140881"))
    sheet = read_xlsx(body_bytes(response))
    assert sorted(r[4] for r in sheet[1:]) == [make_id(seq=3), make_id(seq=4)]
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.rows, audit.filters) == (users["finance"], 2, {"county": "140881"})
    assert audit.at is not None


def test_the_export_writes_formula_like_text_as_text_and_numbers_as_values(api, users, plan):
    make_household(plan, seq=1, note="=HYPERLINK(1)", head_name="+张", village="@村", township="-镇")
    content = body_bytes(expect(api(users["city"]).get(EXPORT)))
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws.freeze_panes == "A2"
    values = [c.value for c in ws[2]]
    assert values[1:4] == ["-镇", "@村", "+张"] and values[11] == "=HYPERLINK(1)"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    assert ws.cell(2, 17).value == 2100 and ws.cell(2, 10).value.date() == date(2021, 9, 1)


def test_a_roster_exported_by_the_project_reimports_unchanged_in_update_mode(api, users, plan):
    city = api(users["city"])
    rows = [
        ["盐湖区", *row(1, note="")],
        ["永济市", *row(2, type_="既有建筑节能改造", area="88.25", area_class="城镇", hardship="五保户", phone="")],
        ["盐湖区", *row(3, completed="", note="备注")],
    ]
    assert post_import(city, workbook(rows, headers=["县（市、区）", *HEADERS])).status_code == 201
    fields = [
        "county_id",
        "township",
        "village",
        "head_name",
        "id_number_index",
        "phone_index",
        "id_number_masked",
        "phone_masked",
        "retrofit_type_id",
        "area_class",
        "area_m2",
        "completed_on",
        "hardship",
        "note",
        "status",
    ]
    before = list(Household.objects.order_by("id_number_index").values(*fields))
    exported = body_bytes(expect(city.get(EXPORT)))
    response = city.post(
        "/api/v1/plans/2021/households/import/", {"file": upload(exported), "mode": "update"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["created"], response.json()["updated"]) == (0, 3)
    assert list(Household.objects.order_by("id_number_index").values(*fields)) == before


def test_the_template_has_the_import_headers_and_a_county_column_for_the_city_office(api, users, plan):
    clerk_sheet = read_xlsx(body_bytes(expect(api(users["clerk"]).get("/api/v1/plans/2021/households/template.xlsx"))))
    assert clerk_sheet[0] == HEADERS
    city_sheet = read_xlsx(body_bytes(expect(api(users["city"]).get("/api/v1/plans/2021/households/template.xlsx"))))
    assert city_sheet[0] == ["县（市、区）", *HEADERS]


def test_a_household_completed_before_a_rate_change_keeps_the_earlier_rate_on_the_roster(api, users, roster):
    from subsidies.models import SubsidyRule
    from subsidies.services import subsidy_rule_rate_set

    Household.objects.filter(head_name="张三").update(completed_on=date(2021, 7, 20))
    Household.objects.filter(head_name="王五").update(completed_on=date(2021, 9, 3))
    rule = SubsidyRule.objects.get(
        plan__year=2021, retrofit_type__code="coal_to_electric", area_class="rural", level="city"
    )
    subsidy_rule_rate_set(
        rule=rule, amount="2600", effective_from="2021-09", reason="省里提高标准", actor=users["finance"]
    )
    response = api(users["city"]).get(LIST)
    assert response.status_code == 200
    by_name = {r["head_name"]: r for r in response.json()["results"]}
    # July: the rural coal-to-electricity city rate of the plan (2,100); September: the new 2,600.
    assert by_name["张三"]["subsidy_city"] == "2100.00"
    assert by_name["王五"]["subsidy_city"] == "2600.00"
    assert by_name["王五"]["subsidy_county"] == "2500.00"
