"""Each county's points worked out by hand from the scenario's records (tests/assessments/scenario.py),
with fractions, and compared with what the assessment computes."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from assessments import rules as R
from assessments import services
from assessments.figures import assessment_compute
from assessments.selectors import assessment_figures
from counties.models import County, Target
from subsidies.models import SubsidyRule
from tests.assessments import scenario

pytestmark = pytest.mark.django_db


def pts(value: Fraction) -> Decimal:
    """Two places, half up, from the exact fraction."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate(type_code, area_class, level):
    rule = SubsidyRule.objects.get(retrofit_type__code=type_code, area_class=area_class, level=level)
    return Fraction(rule.amount)


def completion_fraction(county_code, completed: dict) -> Fraction:
    """Σ target × min(1, completed ÷ target) ÷ Σ target, over the county's types with a target."""
    weighted, weights = Fraction(0), 0
    for target in Target.objects.filter(county__code=county_code, plan__year=2021).select_related("retrofit_type"):
        if not target.households:
            continue
        if target.retrofit_type.unit == "m2":
            whole = Fraction(target.area_m2) if target.area_m2 is not None else Fraction(target.households * 100)
        else:
            whole = Fraction(target.households)
        done = Fraction(completed.get(target.retrofit_type.code, 0))
        weighted += target.households * min(Fraction(1), done / whole)
        weights += target.households
    return weighted / weights


def completion_points(share: Fraction) -> Fraction:
    percent = share * 100
    if percent >= 100:
        return Fraction(40)
    if percent <= 60:
        return Fraction(0)
    return 40 * (percent - 60) / 40


@pytest.fixture
def year(plan, users, make_report):
    records = scenario.build(plan=plan, users=users, make_report=make_report)
    city = users["city"]
    services.scheme_update(plan=plan, rules=scenario.RULES, actor=city)
    services.air_quality_set(
        plan=plan, county=records["yuhu"], value="45", target="50", source="市生态环境局", actor=city
    )
    services.air_quality_set(
        plan=plan, county=records["yongji"], value="55.5", target="50", source="市生态环境局", actor=city
    )
    assessment = services.assessment_create(plan=plan, as_of=scenario.AS_OF, actor=city)
    services.adjustment_add(
        assessment=assessment,
        county=records["yuhu"],
        points="2",
        reason="清洁取暖示范县",
        basis="运清洁取暖办〔2021〕8号",
        actor=city,
    )
    services.adjustment_add(
        assessment=assessment, county=records["yongji"], points="-3", reason="瞒报", basis="督查通报", actor=city
    )
    figures = assessment_figures(assessment=assessment)
    return {"records": records, "assessment": assessment, "rows": {r["county"]: r for r in figures["counties"]}}


def points_of(row) -> dict[str, Decimal]:
    return {i["code"]: Decimal(i["points"]) for i in row["indicators"]}


def expected_yuhu() -> dict[str, Decimal]:
    completed = {
        "coal_to_electric": 6000 + 2000 + 1000,
        "coal_to_gas": 4300,
        "district_heating": 500,
        "building_retrofit": 20000,
    }
    # district_heating has no subsidy rule in 2021.
    county_due = (
        6000 * rate("coal_to_electric", "urban", "county")
        + 3000 * rate("coal_to_electric", "rural", "county")
        + 4300 * rate("coal_to_gas", "urban", "county")
        + 20000 * rate("building_retrofit", "any", "county")
    )
    return {
        "completion": pts(completion_points(completion_fraction("140802", completed))),
        "timeliness": pts(Fraction(10) * 2 / 5),  # 06 and 07 on time; 08 late, 09 a draft, 10 missing
        "data_quality": pts(Fraction(10) - min(Fraction(5), 2 * 2)),  # two returns by the as-of date
        "inspection": pts(Fraction(10) - min(Fraction(10), Fraction(2, 10) * Fraction(4 * 100, 10))),
        "rectification": pts(Fraction(10) * 1 / 3),
        "acceptance": pts(Fraction(5) * 4 / 10),
        "funds": pts(Fraction(5) * min(Fraction(1), Fraction(3_000_000) / county_due)),
        "air_quality": Decimal("10.00"),  # 45 ≤ 50
    }


def expected_yongji() -> dict[str, Decimal]:
    return {
        "completion": pts(completion_points(completion_fraction("140881", {"coal_to_electric": 10**6}))),
        "timeliness": Decimal("10.00"),
        "data_quality": Decimal("10.00"),
        "inspection": Decimal("10.00"),  # nobody visited: nothing went wrong
        "rectification": Decimal("10.00"),
        "acceptance": Decimal("5.00"),  # no completed household on its roster
        "funds": Decimal("0.00"),  # due, nothing paid
        "air_quality": Decimal("0.00"),  # 55.5 > 50
    }


def test_every_indicator_of_a_county_with_records_is_what_the_records_give(year):
    assert points_of(year["rows"]["140802"]) == expected_yuhu()


def test_a_county_that_filed_every_month_but_was_paid_nothing_gets_its_points_by_the_same_rules(year):
    assert points_of(year["rows"]["140881"]) == expected_yongji()


def test_the_total_is_the_sum_of_the_rounded_points_and_the_adjustments(year):
    yuhu, yongji = year["rows"]["140802"], year["rows"]["140881"]
    assert Decimal(yuhu["total"]) == sum(expected_yuhu().values()) + 2
    assert Decimal(yongji["total"]) == sum(expected_yongji().values()) - 3
    assert (yuhu["adjustments"], yongji["adjustments"]) == ("2.00", "-3.00")


def test_counties_without_records_score_the_rules_that_found_nothing_wrong_and_tie_on_one_rank(year):
    assessed = set(County.objects.filter(targets__plan__year=2021, files_reports=True).values_list("code", flat=True))
    assert set(year["rows"]) == assessed
    # No report: completion 0, timeliness 0; nothing returned, visited, due or owed: full points; no air entry: 0.
    quiet = Decimal(10 + 10 + 10 + 5 + 5)
    others = [r for code, r in year["rows"].items() if code not in ("140802", "140881")]
    assert {Decimal(r["total"]) for r in others} == {quiet}
    totals = sorted((Decimal(r["total"]) for r in year["rows"].values()), reverse=True)
    expected_rank = 1 + sum(1 for t in totals if t > quiet)
    assert {r["rank"] for r in others} == {expected_rank}


def test_ranks_grades_and_fund_coefficients_follow_the_totals_and_the_scheme(year):
    rows = year["rows"]
    for row in rows.values():
        total = Decimal(row["total"])
        higher = sum(1 for other in rows.values() if Decimal(other["total"]) > total)
        assert row["rank"] == higher + 1
        grade = "excellent" if total >= 90 else "good" if total >= 80 else "pass" if total >= 60 else "fail"
        assert row["grade"] == grade
        assert row["fund_coefficient"] == scenario.RULES["fund_coefficients"][grade]


def test_the_city_share_against_the_coefficient_is_the_city_money_due_times_the_coefficient(year):
    yuhu = year["rows"]["140802"]
    city_due = (
        6000 * rate("coal_to_electric", "urban", "city")
        + 3000 * rate("coal_to_electric", "rural", "city")
        + 4300 * rate("coal_to_gas", "urban", "city")
        + 20000 * rate("building_retrofit", "any", "city")
    )
    assert Decimal(yuhu["city_share"]) == pts(city_due)
    assert Decimal(yuhu["city_share_adjusted"]) == pts(city_due * Fraction(yuhu["fund_coefficient"]))


def test_the_breakdown_names_the_records_behind_each_figure(year):
    detail = {i["code"]: i["detail"] for i in year["rows"]["140802"]["indicators"]}
    assert detail["timeliness"] == {"due": 5, "on_time": 2, "late": ["2021-08"], "missing": ["2021-09", "2021-10"]}
    assert detail["data_quality"]["returns"] == 2
    assert [r["report"] for r in detail["data_quality"]["reports"]] == [year["records"]["july"].pk]
    assert (detail["inspection"]["visited"], detail["inspection"]["found"]) == (10, 4)
    assert (detail["rectification"]["due"], detail["rectification"]["in_time"]) == (3, 1)
    assert len(detail["rectification"]["overdue"]) == 2
    assert (detail["acceptance"]["completed"], detail["acceptance"]["accepted"]) == (10, 4)
    assert detail["funds"]["paid"] == "3000000.00"


def test_a_draft_recomputes_from_the_records_and_a_published_one_keeps_what_was_published(year, users, make_report):
    from reports.models import Report

    assessment = year["assessment"]
    make_report("140802", "2021-10", {("coal_to_gas", "urban"): 1})
    draft_now = {r["county"]: r for r in assessment_figures(assessment=assessment)["counties"]}
    # 10 is now filed on time: 3 of 5 months.
    assert points_of(draft_now["140802"])["timeliness"] == pts(Fraction(10) * 3 / 5)
    services.assessment_publish(assessment=assessment, actor=users["city"])
    Report.objects.filter(county__code="140802", period="2021-10").delete()
    assessment.refresh_from_db()
    stored = {r["county"]: r for r in assessment_figures(assessment=assessment)["counties"]}
    assert points_of(stored["140802"])["timeliness"] == pts(Fraction(10) * 3 / 5)


def test_the_as_of_date_decides_what_counts(plan, users, make_report):
    scenario.build(plan=plan, users=users, make_report=make_report)
    rules = R.scheme_clean(scenario.RULES)
    early = {r["county"]: r for r in assessment_compute(plan=plan, rules=rules, as_of=date(2021, 8, 31))["counties"]}
    detail = {i["code"]: i["detail"] for i in early["140802"]["indicators"]}
    # By 31 August only 06, 07 and 08 were due (08 due that day, filed on 3 September: not yet filed).
    assert detail["timeliness"] == {"due": 3, "on_time": 2, "late": [], "missing": ["2021-08"]}
    assert detail["data_quality"]["returns"] == 2
    assert detail["inspection"]["visited"] == 0
    assert detail["funds"]["paid"] == "0.00"


def test_air_quality_meets_its_target_by_the_direction_the_scheme_says(plan, users, make_report):
    county = County.objects.get(code="140802")
    rules = R.scheme_clean(
        {
            **scenario.RULES,
            "indicators": {**scenario.RULES["indicators"], "air_quality": {"weight": "10", "better": "higher"}},
        }
    )
    services.air_quality_set(
        plan=plan, county=county, value="12.5", target="10", source="PM2.5 下降率（%）", actor=users["city"]
    )
    row = next(
        r
        for r in assessment_compute(plan=plan, rules=rules, as_of=scenario.AS_OF)["counties"]
        if r["county"] == "140802"
    )
    assert points_of(row)["air_quality"] == Decimal("10.00")
    assert row["air_met"] is True


def test_the_scenario_is_not_trivial_every_rule_lands_between_its_extremes(year):
    """Guard for the scenario itself: a rule that gave full or no points everywhere would test little."""
    yuhu = expected_yuhu()
    weights = {code: Decimal(item["weight"]) for code, item in scenario.RULES["indicators"].items()}
    partial = [code for code, value in yuhu.items() if 0 < value < weights[code]]
    assert set(partial) >= {
        "completion",
        "timeliness",
        "data_quality",
        "inspection",
        "rectification",
        "acceptance",
        "funds",
    }
