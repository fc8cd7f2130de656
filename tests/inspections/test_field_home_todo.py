"""Inspectors' and acceptors' home pages have a to-do list (issue 22, section 4): the sampled
households left to visit, the households left to accept (未验收), by county; an acceptor's list and
field page leave out building retrofits the firm was not engaged for."""

from datetime import date

from counties.models import County, RetrofitType, Role
from counties.services import user_set_role
from households import pii
from households.models import Household, HouseholdStatus
from inspections.selectors import task_households_for_user
from tests.conftest import PASSWORD
from tests.households.helpers import make_id
from tests.inspections.conftest import visit_data

VISITS = "/api/v1/plans/2021/inspections/visits/"


def home_todo(web, user):
    response = web(user).get("/home/")
    assert response.status_code == 200
    return response.context["todo"], response.content.decode()


def test_an_inspector_sees_the_sampled_households_left_to_visit_by_county(web, api, field_users, sample):
    todo, html = home_todo(web, field_users["inspector"])
    expected = {}
    for code in sample.entries.values_list("county__code", flat=True):
        expected[code] = expected.get(code, 0) + 1
    assert {row["code"]: row["left"] for row in todo["counties"]} == expected
    assert f"未检查的抽查户 {sum(expected.values())} 户" in html
    first = sample.entries.filter(county__code="140802").order_by("household_id").first().household_id
    assert api(field_users["inspector"]).post(VISITS, visit_data(first), format="multipart").status_code == 201
    todo, _html = home_todo(web, field_users["inspector"])
    assert {row["code"]: row["left"] for row in todo["counties"]}["140802"] == expected["140802"] - 1


def test_an_inspector_with_no_sample_is_told_all_is_done(web, field_users, roster):
    todo, html = home_todo(web, field_users["inspector"])
    assert todo["empty"] and "分配给您的抽查户均已检查。" in html


def add_building_retrofit(plan, county_code, n):
    county = County.objects.get(code=county_code)
    retrofit = RetrofitType.objects.get(code="building_retrofit")
    for seq in range(n):
        Household.objects.create(
            plan=plan,
            county=county,
            township="解州镇",
            village="楼院",
            head_name=f"楼户{seq}",
            **pii.seal(make_id(area="140802", seq=900 + seq)),
            retrofit_type=retrofit,
            area_class="urban",
            completed_on=date(2021, 9, 1),
            status=HouseholdStatus.COMPLETED,
        )


def test_an_acceptor_sees_households_left_to_accept_without_building_retrofits_it_was_not_engaged_for(
    web, field_users, roster, plan
):
    add_building_retrofit(plan, "140802", 4)
    acceptor = field_users["acceptor"]  # engaged for 盐湖区, no types named
    todo, html = home_todo(web, acceptor)
    # 盐湖区's completed works: 20 coal-to-electric + 10 coal-to-gas (5 accepted, 4 building retrofits left out).
    assert todo["counties"] == [
        {"code": "140802", "name": "盐湖区", "left": 30, "year": 2021, "url": "/inspections/?plan=2021"}
    ]
    assert "未验收的改造户 30 户" in html and "未检查" not in html
    codes = set(task_households_for_user(user=acceptor, plan=plan).values_list("retrofit_type__code", flat=True))
    assert codes == {"coal_to_electric", "coal_to_gas"}


def test_an_acceptor_engaged_for_building_retrofits_gets_them(web, field_users, roster, plan):
    add_building_retrofit(plan, "140802", 4)
    types = list(RetrofitType.objects.filter(code__in=["building_retrofit", "coal_to_electric"]))
    firm = user_set_role(
        username="acceptor-b",
        password=PASSWORD,
        role=Role.ACCEPTOR,
        counties=[County.objects.get(code="140802")],
        department_name="建科验收公司",
        retrofit_types=types,
    )
    todo, _html = home_todo(web, firm)
    assert todo["total"] == 34


def test_the_field_page_calls_an_acceptors_households_not_yet_accepted_未验收():
    from django.contrib.staticfiles import finders

    script = open(finders.find("js/inspections-field.js"), encoding="utf-8").read()
    assert 'kind === "acceptance"' in script and 'gettext("未验收")' in script
