"""Worksheet names come from data (county names); the one export writer makes them names Excel accepts."""

import io

import openpyxl
import pytest

from core.exports import Column, Sheet, sheet_names, write_xlsx, write_xlsx_fast
from counties.models import County

HOSTILE = "盐湖[区]:*?/\\测试"
BASE = "/api/v1/plans/2021/subsidies/"


def test_forbidden_characters_are_replaced_and_names_kept_to_31_characters():
    names = sheet_names([HOSTILE, "x" * 40, "'quoted'", "", "History"])
    assert names[0] == "盐湖_区______测试"
    assert names[1] == "x" * 31
    assert names[2] == "quoted"
    assert all(n and len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[3] and names[4].lower() != "history"


def test_names_are_unique_ignoring_case_even_after_truncation():
    names = sheet_names(["汇总", "汇总", "ABC", "abc", "y" * 40, "y" * 35])
    assert names[:4] == ["汇总", "汇总 (2)", "ABC", "abc (2)"]
    assert names[4] == "y" * 31 and names[5] == "y" * 27 + " (2)"
    assert len({n.lower() for n in names}) == len(names)


@pytest.mark.parametrize("fast", [False, True])
def test_both_writers_accept_a_hostile_name(fast):
    sheet = Sheet(name=HOSTILE + "很长的名字" * 5, columns=[Column("县")], rows=[["a"]])
    buffer = io.BytesIO()
    if fast:
        write_xlsx_fast(sheet, buffer)
    else:
        write_xlsx([sheet, Sheet(name=sheet.name, columns=[Column("县")], rows=[])], buffer)
    names = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames
    assert names[0].startswith("盐湖_区______测试") and len(names[0]) <= 31
    assert len(set(names)) == len(names)


@pytest.fixture
def hostile_counties(plan, make_report):
    # Two counties whose names differ only after the 31st character of "code + name" once sanitised.
    County.objects.filter(code="140802").update(name=HOSTILE)
    County.objects.filter(code="140881").update(name="永济/市:" + "长" * 40)
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    make_report("140881", "2021-07", {("coal_to_gas", "rural"): 5})


def test_the_subsidy_export_works_with_hostile_county_names(users, api, hostile_counties):
    response = api(users["finance"]).get(f"{BASE}export.xlsx", {"period": "2021-10"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    names = openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    assert "140802盐湖_区______测试" in names
    assert any(n.startswith("140881永济_市_") for n in names)
    assert all(len(n) <= 31 for n in names)


def test_a_settlement_stores_a_workbook_with_hostile_county_names(users, api, hostile_counties):
    response = api(users["finance"]).post(f"{BASE}settlements/", {"period": "2021-10"}, format="json")
    assert response.status_code == 201, response.json()
    download = api(users["finance"]).get(f"{BASE}settlements/{response.json()['id']}/export.xlsx")
    assert download.status_code == 200
    content = b"".join(download.streaming_content) if download.streaming else download.content
    assert "140802盐湖_区______测试" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
