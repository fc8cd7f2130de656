"""The roster list pages by cursor, counts only up to a bound and searches in ways an index serves."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import roster_page
from households.models import Household
from tests.households.helpers import make_household, make_id
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db
LIST = "/api/v1/plans/2021/households/"


@pytest.fixture
def roster(plan):
    # Inserted out of order: the list must come back in (county, township, village, id) order.
    rows = []
    for seq, (county, township, village) in enumerate(
        [
            ("140881", "城西镇", "乙村"),
            ("140802", "解州镇", "西村"),
            ("140802", "解州镇", "东村"),
            ("140802", "北相镇", "东村"),
        ]
        * 3,
        start=1,
    ):
        rows.append(make_household(plan, county, seq=seq, township=township, village=village, head_name=f"李{seq}"))
    return rows


def expected_order(rows):
    return [h.pk for h in sorted(rows, key=lambda h: (h.county_id, h.township, h.village, h.pk))]


def test_following_next_links_visits_every_household_once_in_the_rosters_order(api, users, roster):
    client = api(users["city"])
    seen, url = [], LIST + "?page_size=5"
    while url:
        body = json_of(client.get(url))
        assert body["count"] == 12 and body["count_exceeds"] is None
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == expected_order(roster)


def test_previous_links_lead_back_to_the_same_pages(api, users, roster):
    client = api(users["city"])
    first = json_of(client.get(LIST + "?page_size=5"))
    second = json_of(client.get(first["next"]))
    assert first["previous"] is None and second["previous"] is not None
    back = json_of(client.get(second["previous"]))
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert back["next"] == first["next"]


@pytest.mark.parametrize(
    "query", ["cursor=zzz", "cursor=a.!!", "cursor=a.WzEsMiwzXQ", "page=2", "page_size=0", "page_size=201"]
)
def test_a_malformed_cursor_or_page_parameter_is_a_400_in_the_error_shape(api, users, roster, query):
    response = api(users["city"]).get(f"{LIST}?{query}")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_more_households_than_the_count_limit_are_reported_as_more_not_counted(api, users, roster, monkeypatch):
    monkeypatch.setattr(roster_page, "COUNT_LIMIT", 10)
    body = json_of(api(users["city"]).get(LIST + "?page_size=5"))
    assert (body["count"], body["count_exceeds"], len(body["results"])) == (None, 10, 5)
    assert json_of(api(users["city"]).get(LIST + "?county=140881"))["count"] == 3


def test_a_page_is_ordered_by_the_household_tables_own_columns_and_counts_a_bounded_subquery(api, users, roster):
    client = api(users["city"])
    with CaptureQueriesContext(connection) as queries:
        expect(client.get(LIST + "?page_size=5"))
    roster_sql = [q["sql"] for q in queries if 'FROM "households_household"' in q["sql"]]
    page_sql = next(sql for sql in roster_sql if "ORDER BY" in sql)
    order_by = page_sql.rsplit("ORDER BY", 1)[1]
    # Ordered by positions of selected columns or by the table's own columns, never by a joined table.
    assert "counties_county" not in order_by and order_by.strip().endswith("LIMIT 6")
    count_sql = next(sql for sql in roster_sql if "COUNT(" in sql)
    assert f"LIMIT {roster_page.COUNT_LIMIT + 1}" in count_sql


def test_a_first_page_that_is_not_full_is_its_own_count(api, users, roster):
    with CaptureQueriesContext(connection) as queries:
        body = json_of(api(users["city"]).get(LIST + "?county=140881"))
    assert body["count"] == 3 and not [q for q in queries if "COUNT(" in q["sql"]]


def test_a_deep_page_costs_the_same_number_of_queries_as_the_first(api, users, roster, django_assert_max_num_queries):
    client = api(users["city"])
    first = json_of(client.get(LIST + "?page_size=2"))
    url = first["next"]
    for _ in range(3):
        url = json_of(client.get(url))["next"]
    with CaptureQueriesContext(connection) as at_first:
        expect(client.get(LIST + "?page_size=2"))
    with CaptureQueriesContext(connection) as deep:
        expect(client.get(url))
    assert len(deep) == len(at_first)


def test_short_queries_match_the_start_of_names_and_villages_longer_ones_anywhere(api, users, plan):
    make_household(plan, seq=1, head_name="李小明", village="东村")
    make_household(plan, seq=2, head_name="王李明", village="李家庄")
    make_household(plan, seq=3, head_name="张三", village="西东村", township="解州镇")

    def names(q):
        return sorted(r["head_name"] for r in json_of(api(users["city"]).get(LIST, {"q": q}))["results"])

    assert names("李") == ["李小明", "王李明"]  # 李小明 by name, 王李明 by village 李家庄
    assert names("东村") == ["李小明"]  # a prefix: 西东村 does not start with it
    assert names("李小明") == ["李小明"]
    assert names("东村") != names("西东村") and names("西东村") == ["张三"]
    assert names("李明") == []
    assert names(make_id(seq=2)) == ["王李明"]


def test_a_whole_id_number_searches_the_blind_index_only(api, users, plan):
    make_household(plan, seq=1, head_name="李四")
    with CaptureQueriesContext(connection) as queries:
        body = json_of(api(users["city"]).get(LIST, {"q": make_id(seq=1)}))
    assert [r["head_name"] for r in body["results"]] == ["李四"]
    page_sql = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "households_household" in q["sql"])
    assert "id_number_index" in page_sql and "LIKE" not in page_sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search indexes exist on PostgreSQL only")
def test_postgresql_serves_search_and_order_from_indexes(plan):
    make_household(plan, seq=1, head_name="李小明")
    qs = Household.objects.filter(plan=plan)
    with connection.cursor() as cursor:
        # A one-row table: forbid a sort, so the plan shows whether an index delivers the order.
        cursor.execute("SET LOCAL enable_sort = off")
        plans = {"order": qs.order_by(*roster_page.ORDER)[:50].explain()}
        # A one-row table: make any plan but an index condition impossible, so the plan shows which
        # index can serve the condition (the benchmark shows the planner choosing them at scale).
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plans["contains"] = Household.objects.filter(head_name__icontains="李小明").order_by().explain()
        plans["prefix"] = Household.objects.filter(head_name__startswith="李").order_by().explain()
    assert "household_head_name_trgm" in plans["contains"]
    # Two indexes can serve a name prefix (the city-wide one and the per-county one of migration 0011); on
    # a one-row table their costs tie and the planner may take either: either way an index condition.
    assert any(name in plans["prefix"] for name in ("household_head_name_prefix", "household_county_name"))
    assert "Index Cond" in plans["prefix"] and "~>=~ '李'" in plans["prefix"]
    assert "household_roster_order" in plans["order"] and "Sort" not in plans["order"]


def test_the_openapi_schema_documents_the_cursor_contract(api, users):
    import json

    response = expect(api(users["city"]).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"))
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/plans/{year}/households/"]["get"]
    assert operation["operationId"] == "plans_households_list"
    assert {"cursor", "page_size", "q"} <= {p["name"] for p in operation["parameters"]}
    assert "page" not in {p["name"] for p in operation["parameters"]}
    page = schema["components"]["schemas"]["HouseholdPage"]
    assert {"count", "count_exceeds", "next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["count"]["nullable"] is True


def test_the_roster_filters_keep_their_meaning_through_the_filterset(api, users, roster):
    client = api(users["city"])
    response = client.get(LIST + "?county=140881&q=李")
    assert response.status_code == 200
    expected = sorted(h.pk for h in roster if h.county.code == "140881")
    assert sorted(r["id"] for r in response.json()["results"]) == expected
    unknown = client.get(LIST + "?status=zzz&type=zzz&county=zzz")
    assert unknown.status_code == 200 and unknown.json()["results"] == []
