"""The roster's name search is bounded (issue 19, Scale): a whole name or a surname, through an index, at most
NAME_MATCH_LIMIT households per searched column, then the page in the roster's order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import selectors
from tests.households.helpers import make_household

pytestmark = pytest.mark.django_db
LIST = "/api/v1/plans/2021/households/"


def names(client, query):
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200, response.json()
    return [r["head_name"] for r in response.json()["results"]]


def test_a_name_is_found_by_its_whole_name_or_its_surname_not_by_its_middle(api, users, plan):
    for seq, name in enumerate(["李小明", "李小明明", "李建国", "王小明", "张李小明"], start=1):
        make_household(plan, seq=seq, head_name=name, village="东村", township="解州镇")
    client = api(users["city"])
    assert sorted(names(client, "?q=李小明")) == ["李小明", "李小明明"]
    assert sorted(names(client, "?q=李")) == ["李小明", "李小明明", "李建国"]
    assert names(client, "?q=小明") == []


def test_a_village_or_township_is_still_found_by_its_beginning_or_from_three_characters_by_a_part(api, users, plan):
    make_household(plan, seq=1, head_name="赵一", village="东关村", township="解州镇")
    make_household(plan, seq=2, head_name="钱二", village="西村", township="北相镇")
    client = api(users["city"])
    assert names(client, "?q=东关") == ["赵一"]
    assert names(client, "?q=相镇") == []  # two characters: beginnings only
    assert names(client, "?q=北相镇") == ["钱二"]
    assert names(client, "?q=关村") == []
    assert names(client, "?q=东关村") == ["赵一"]


def test_a_common_name_gathers_at_most_the_limit_and_pages_them_in_the_roster_order(api, users, plan, monkeypatch):
    monkeypatch.setattr(selectors, "NAME_MATCH_LIMIT", 4)
    for seq in range(1, 8):
        make_household(plan, seq=seq, head_name="王芳", village=f"{seq}村", township="解州镇")
    client = api(users["city"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "王芳", "page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2
    villages = [r["village"] for r in body["results"]]
    assert villages == sorted(villages)
    # Each gathering of a column is LIMITed: three small queries (SQLite), or one UNION ALL of three in the
    # page's query and in its count (PostgreSQL). The name's condition is never without its LIMIT.
    sqls = [q["sql"] for q in queries if '"households_household"' in q["sql"]]
    name_conditions = sum(sql.count('"head_name" >=') + sql.count('"head_name"::text LIKE') for sql in sqls)
    assert name_conditions >= 1
    assert sum(sql.count("LIMIT 4") for sql in sqls) == 3 * name_conditions
    response = client.get(body["next"])
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2 and response.json()["next"] is None


def test_a_clerks_search_gathers_within_its_own_county(api, users, plan, monkeypatch):
    monkeypatch.setattr(selectors, "NAME_MATCH_LIMIT", 2)
    for seq in range(1, 5):
        make_household(plan, "140881", seq=seq, head_name="王芳")
    for seq in range(5, 7):
        make_household(plan, seq=seq, head_name="王芳")
    assert names(api(users["clerk"]), "?q=王芳") == ["王芳", "王芳"]
