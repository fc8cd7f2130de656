import copy
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from counties.models import County, Plan, RetrofitType, Target
from counties.plan_file import resolve_plan_path
from subsidies.models import SubsidyRule

# The annex of the 2021 plan, typed in from the published document (not read from the data file).
ANNEX = {
    "140802": ("盐湖区", 10000, 4231, 1500, 0, 15731),
    "140881": ("永济市", 5000, 0, 2000, 1100, 8100),
    "140882": ("河津市", 4914, 1800, 1880, 0, 8594),
    "140821": ("临猗县", 9000, 2300, 1000, 3578, 15878),
    "140822": ("万荣县", 2150, 450, 0, 0, 2600),
    "140824": ("稷山县", 4075, 500, 0, 0, 4575),
    "140825": ("新绛县", 1600, 1500, 3000, 0, 6100),
    "140823": ("闻喜县", 500, 0, 8000, 0, 8500),
    "140826": ("绛县", 2219, 500, 0, 436, 3155),
    "140827": ("垣曲县", 1460, 26, 150, 0, 1636),
    "140828": ("夏县", 6000, 3000, 0, 0, 9000),
    "140829": ("平陆县", 1700, 800, 0, 0, 2500),
    "140830": ("芮城县", 2260, 740, 0, 0, 3000),
}
TYPES = ["coal_to_electric", "coal_to_gas", "district_heating", "building_retrofit"]


def shipped_plan():
    return json.loads(resolve_plan_path("2021").read_text(encoding="utf-8"))


def write_plan(tmp_path, data):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_loading_the_2021_plan_reproduces_every_cell_of_the_annex(db):
    call_command("load_plan", "2021", stdout=None)
    plan = Plan.objects.get(year=2021)
    assert plan.deadline.isoformat() == "2021-10-31"
    assert plan.m2_per_household == Decimal("100")
    for code, (name, *values) in ANNEX.items():
        county = County.objects.get(code=code)
        assert county.name == name
        for type_code, expected in zip(TYPES, values[:4], strict=True):
            assert Target.objects.get(plan=plan, county=county, retrofit_type__code=type_code).households == expected
    assert Target.objects.filter(plan=plan).count() == 13 * 4
    assert sum(t.households for t in Target.objects.filter(plan=plan)) == 89369


def test_building_retrofit_targets_also_carry_square_metres(db):
    call_command("load_plan", "2021")
    target = Target.objects.get(county__code="140821", retrofit_type__code="building_retrofit")
    assert target.area_m2 == Decimal(3578 * 100)


def test_the_development_zone_is_a_unit_without_targets_or_an_invented_county_code(db):
    call_command("load_plan", "2021")
    zone = County.objects.get(name="运城开发区")
    assert zone.code == "140802404"
    assert not zone.files_reports
    assert not Target.objects.filter(county=zone).exists()


def test_the_subsidy_rules_of_the_plan_are_loaded_as_decimals(db):
    call_command("load_plan", "2021")
    rule = SubsidyRule.objects.get(retrofit_type__code="coal_to_gas", area_class="rural", level="county")
    assert rule.amount == Decimal("3500")
    assert SubsidyRule.objects.count() == 10
    assert not SubsidyRule.objects.filter(retrofit_type__code="district_heating").exists()


def test_loading_twice_changes_nothing(db, capsys):
    call_command("load_plan", "2021")
    before = sorted(Target.objects.values_list("pk", "households"))
    call_command("load_plan", "2021")
    assert "新增 0，更新 0" in capsys.readouterr().out
    assert sorted(Target.objects.values_list("pk", "households")) == before


def refuse(tmp_path, data, *fragments):
    """Loading ``data`` is refused with a message naming every fragment, and nothing is loaded."""
    every_fragment = "(?s)" + "".join(f"(?=.*{re.escape(fragment)})" for fragment in fragments)
    with pytest.raises(CommandError, match=every_fragment) as excinfo:
        call_command("load_plan", write_plan(tmp_path, data))
    for fragment in fragments:
        assert fragment in str(excinfo.value)
    assert not Plan.objects.exists() and not Target.objects.exists() and not County.objects.exists()


def test_a_row_whose_total_does_not_add_up_is_refused_naming_the_row(db, tmp_path):
    data = shipped_plan()
    data["targets"]["rows"][2]["total"] += 1
    refuse(tmp_path, data, "第 3 行", "140882", "8594", "8595")


def test_a_column_whose_total_does_not_add_up_is_refused(db, tmp_path):
    data = shipped_plan()
    data["targets"]["totals"]["values"][1] = 15848
    refuse(tmp_path, data, "合计行", "coal_to_gas", "15848")


def test_an_unknown_county_is_refused(db, tmp_path):
    data = shipped_plan()
    data["targets"]["rows"][0]["county"] = "140899"
    refuse(tmp_path, data, "140899", "未知的县")


def test_an_unknown_retrofit_type_is_refused(db, tmp_path):
    data = shipped_plan()
    data["targets"]["columns"][0] = "coal_to_magic"
    refuse(tmp_path, data, "coal_to_magic")


def test_a_negative_number_is_refused(db, tmp_path):
    data = shipped_plan()
    data["targets"]["rows"][4]["values"][0] = -2150
    data["targets"]["rows"][4]["total"] = 450 - 2150
    refuse(tmp_path, data, "第 5 行", "负数")


def test_a_missing_file_or_broken_json_is_refused_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="找不到方案文件"):
        call_command("load_plan", str(tmp_path / "nope.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        call_command("load_plan", str(bad))


def test_a_later_plan_with_a_new_retrofit_type_loads_without_code_change(db, tmp_path):
    call_command("load_plan", "2021")
    data = copy.deepcopy(shipped_plan())
    data["year"] = 2022
    data["retrofit_types"].append({"code": "biomass", "name": "生物质", "unit": "household"})
    data["targets"]["columns"].append("biomass")
    for row in data["targets"]["rows"]:
        row["values"].append(10)
        row["total"] += 10
    data["targets"]["totals"]["values"].append(130)
    data["targets"]["totals"]["total"] += 130
    data["subsidy_rules"].append({"type": "biomass", "area_class": "rural", "city": "500", "county": "600"})
    call_command("load_plan", write_plan(tmp_path, data))
    biomass = RetrofitType.objects.get(code="biomass")
    assert Target.objects.filter(plan__year=2022, retrofit_type=biomass).count() == 13
    assert SubsidyRule.objects.get(plan__year=2022, retrofit_type=biomass, level="county").amount == Decimal("600")
    # the 2021 plan is untouched
    assert not Target.objects.filter(plan__year=2021, retrofit_type=biomass).exists()
