import pytest

from households.models import Household
from tests.households.helpers import make_household, make_id
from tests.http import html_of

pytestmark = pytest.mark.django_db


def test_the_list_page_masks_ids_for_everyone_and_offers_show_whole_id_only_to_the_city_office(web, users, plan):
    make_household(plan, seq=1, head_name="张三")
    second = make_household(plan, "140881", seq=2, head_name="王五")
    clerk_html = html_of(web(users["clerk"]).get("/plans/2021/households/"))
    assert "张三" in clerk_html and "王五" not in clerk_html
    assert make_id(seq=1) not in clerk_html and make_id(seq=1)[:6] + "********" in clerk_html
    assert "/reveal/" not in clerk_html
    city_html = html_of(web(users["city"]).get("/plans/2021/households/?q=王五"))
    assert "王五" in city_html and "张三" not in city_html and make_id(seq=2) not in city_html
    assert f"/plans/2021/households/{second.pk}/reveal/" in city_html


def test_the_list_page_pages_by_cursor_forwards_and_back(web, users, plan):
    import re

    for i in range(1, 53):
        make_household(plan, seq=i)
    client = web(users["city"])
    first = html_of(client.get("/plans/2021/households/"))
    assert first.count("<tr data-id=") == 50 and "共 52 户" in first and "before=" not in first
    after = re.search(r'href="\?after=([\w-]+)"', first).group(1)
    second = html_of(client.get(f"/plans/2021/households/?after={after}"))
    assert second.count("<tr data-id=") == 2 and "?after=" not in second.split("household-table")[1]
    before = re.search(r'href="\?before=([\w-]+)"', second).group(1)
    back = html_of(client.get(f"/plans/2021/households/?before={before}"))
    assert re.findall(r"<tr data-id=\"(\d+)\"", back) == re.findall(r"<tr data-id=\"(\d+)\"", first)
    assert client.get("/plans/2021/households/?after=not-a-cursor").status_code == 200


def test_the_village_acceptance_form_records_acceptance(web, users, plan):
    make_household(plan, seq=1)
    response = web(users["clerk"]).post(
        "/plans/2021/households/acceptance/",
        {
            "county": "140802",
            "township": "解州镇",
            "village": "东村",
            "accepted_on": "2021-10-20",
            "accepted_by": "第三方评估公司",
            "result": "passed",
        },
    )
    assert response.status_code == 302
    assert Household.objects.get().status == "accepted"


def test_the_acceptance_form_shows_a_chinese_error_for_an_empty_village(web, users, plan):
    response = web(users["clerk"]).post(
        "/plans/2021/households/acceptance/",
        {
            "county": "140802",
            "township": "解州镇",
            "village": "无此村",
            "accepted_on": "2021-10-20",
            "accepted_by": "第三方",
            "result": "passed",
        },
    )
    assert response.status_code == 200 and "该村没有登记的改造户" in response.content.decode()


def test_the_import_page_offers_the_county_choice_only_to_the_city_office(web, users, plan):
    assert 'id="import-county"' in html_of(web(users["city"]).get("/plans/2021/households/import/"))
    assert 'id="import-county"' not in html_of(web(users["clerk"]).get("/plans/2021/households/import/"))


def test_the_village_acceptance_page_accepts_the_finished_households_and_says_how_many_it_skipped(web, users, plan):
    make_household(plan, seq=1)
    make_household(plan, seq=2, status="registered", completed_on=None)
    response = web(users["clerk"]).post(
        "/plans/2021/households/acceptance/",
        {
            "county": "140802",
            "township": "解州镇",
            "village": "东村",
            "accepted_on": "2021-10-20",
            "accepted_by": "第三方评估公司",
            "result": "passed",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已记录1户的验收结果。另有1户未录入：1户尚未完工（无完工日期）。" in html
    assert sorted(Household.objects.values_list("status", flat=True)) == ["accepted", "registered"]
