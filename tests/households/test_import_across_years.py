"""A household is subsidised once across plan years (issue 19 §5): an ID completed under an earlier plan is
refused per row, in create and update modes, in dry runs, on the import page and in the roster API."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counties.models import Plan, Target
from households import selectors
from households.models import Household
from tests.households.helpers import make_household, make_id, post_import, problems, row, upload, workbook

pytestmark = pytest.mark.django_db

# Written out here, not built from the code: the year, the county's and the type's names of the 2021 household.
DONE_IN_YANHU = "该户已于2021年在盐湖区完成煤改电改造并纳入补助"
DONE_IN_YONGJI_GAS = "该户已于2021年在永济市完成煤改气改造并纳入补助"


@pytest.fixture
def plan_2022(plan):
    later = Plan.objects.create(
        year=2022,
        title="运城市2022年冬季清洁取暖工作实施方案",
        status="published",
        document_date=date(2022, 6, 8),
        deadline=date(2022, 10, 31),
        m2_per_household=plan.m2_per_household,
        grid_city_total=plan.grid_city_total,
        grid_county_rate=plan.grid_county_rate,
    )
    Target.objects.bulk_create(
        Target(
            plan=later,
            county_id=t.county_id,
            retrofit_type_id=t.retrofit_type_id,
            households=t.households,
            area_m2=t.area_m2,
        )
        for t in Target.objects.filter(plan=plan)
    )
    return later


def test_create_mode_refuses_an_id_completed_under_an_earlier_plan_naming_year_county_and_type(
    api, users, plan, plan_2022
):
    make_household(plan, seq=1, status="completed")
    make_household(plan, "140881", "coal_to_gas", seq=3, status="paid")
    response = post_import(api(users["clerk"]), workbook([row(1), row(2), row(3)]), year=2022)
    assert response.status_code == 400
    assert problems(response) == [(2, "身份证号", DONE_IN_YANHU), (4, "身份证号", DONE_IN_YONGJI_GAS)]
    assert Household.objects.filter(plan=plan_2022).count() == 0


def test_update_mode_refuses_it_too(api, users, plan, plan_2022):
    make_household(plan, seq=1, status="accepted")
    make_household(plan_2022, seq=2, status="registered", completed_on=None)
    response = post_import(api(users["clerk"]), workbook([row(1), row(2)]), year=2022, mode="update")
    assert response.status_code == 400
    assert problems(response) == [(2, "身份证号", DONE_IN_YANHU)]
    assert Household.objects.filter(plan=plan_2022).count() == 1


def test_a_dry_run_reports_it_and_writes_nothing(api, users, plan, plan_2022):
    make_household(plan, seq=1)
    response = post_import(api(users["city"]), workbook([row(1), row(2)]), year=2022, dry_run=True, county="140802")
    assert response.status_code == 400
    assert problems(response) == [(2, "身份证号", DONE_IN_YANHU)]
    assert Household.objects.filter(plan=plan_2022).count() == 0


def test_a_row_with_other_problems_is_refused_for_its_earlier_completion_as_well(api, users, plan, plan_2022):
    make_household(plan, seq=1)
    response = post_import(api(users["clerk"]), workbook([row(1, type_="太阳能")]), year=2022)
    assert response.status_code == 400
    assert (2, "身份证号", DONE_IN_YANHU) in problems(response)
    assert (2, "改造类型", "未知的改造类型“太阳能”。") in problems(response)


def test_the_import_page_shows_the_refusal(web, users, plan, plan_2022):
    make_household(plan, seq=1)
    response = web(users["clerk"]).post(
        "/plans/2022/households/import/",
        {"step": "preview", "mode": "create", "file": upload(workbook([row(1)]))},
    )
    assert response.status_code == 400  # the page's answer to a file with problems
    assert DONE_IN_YANHU in response.content.decode()
    assert Household.objects.filter(plan=plan_2022).count() == 0


def test_a_household_only_registered_earlier_or_completed_later_is_not_refused(api, users, plan, plan_2022):
    make_household(plan, seq=1, status="registered", completed_on=None)  # 2021: registered, never completed
    make_household(plan_2022, seq=2, status="completed", completed_on=date(2022, 9, 1))  # a later plan
    response = post_import(api(users["clerk"]), workbook([row(1)]), year=2022)
    assert response.status_code == 201, response.json()
    response = post_import(api(users["clerk"]), workbook([row(2)]), year=2021)
    assert response.status_code == 201, response.json()
    assert Household.objects.filter(id_number_index__isnull=False).count() == 4


def test_a_household_of_the_same_year_is_not_refused_as_an_earlier_completion(api, users, plan, plan_2022):
    make_household(plan_2022, seq=1, status="completed", completed_on=date(2022, 9, 1))
    client = api(users["clerk"])
    response = post_import(client, workbook([row(1)]), year=2022)
    assert response.status_code == 400
    assert [message for _r, _c, message in problems(response)] == [
        "该身份证号已登记。如需修改已登记的改造户，请选择“更新”方式导入。"
    ]
    response = post_import(client, workbook([row(1, name="改名")]), year=2022, mode="update")
    assert response.status_code == 201, response.json()
    assert response.json()["updated"] == 1


def test_the_check_is_one_query_per_batch_whatever_the_roster_holds(api, users, plan, plan_2022, monkeypatch):
    monkeypatch.setattr(selectors, "REGISTRATION_BATCH", 4)
    for seq in range(1, 31):  # thirty households completed in 2021; the import names three of them
        make_household(plan, seq=seq)
    content = workbook([row(seq) for seq in (1, 2, 3, *range(40, 47))])  # ten rows: three batches of four
    with CaptureQueriesContext(connection) as queries:
        response = post_import(api(users["clerk"]), content, year=2022)
    assert response.status_code == 400
    assert [r for r, _c, _m in problems(response)] == [2, 3, 4]
    # one query per batch answers both checks: this year's registrations and earlier years' completions
    lookups = [q["sql"] for q in queries if '"households_household"' in q["sql"] and '"id_number_index" IN' in q["sql"]]
    assert len(lookups) == 3
    assert all('"plan_id" IN' in sql for sql in lookups)
    assert make_id(seq=1) not in " ".join(q["sql"] for q in queries)  # blind indexes only
