from tests.counties.test_plan_loading import ANNEX, TYPES


def test_the_targets_api_returns_the_annex_in_annex_order(users, api):
    response = api(users["clerk"]).get("/api/v1/plans/2021/targets/")
    assert response.status_code == 200
    body = response.json()
    assert body["plan"] == 2021
    assert [row["county"] for row in body["rows"]] == list(ANNEX)
    for row in body["rows"]:
        name, *values = ANNEX[row["county"]]
        assert row["county_name"] == name
        assert [row["targets"][t] for t in TYPES] == values[:4]
        assert row["total"] == values[4]
    expected_totals = {t: sum(v[i + 1] for v in ANNEX.values()) for i, t in enumerate(TYPES)}
    assert {t: body["totals"][t] for t in TYPES} == expected_totals
    assert body["totals"]["total"] == 89369


def test_the_targets_api_gives_building_retrofits_in_square_metres_too(users, api):
    response = api(users["city"]).get("/api/v1/plans/2021/targets/")
    assert response.status_code == 200
    body = response.json()
    linyi = next(row for row in body["rows"] if row["county"] == "140821")
    assert linyi["area_m2"]["building_retrofit"] == "357800"
    assert body["totals"]["area_m2"]["building_retrofit"] == "511400"


def test_an_unknown_plan_year_is_a_404_in_the_common_error_shape(users, api):
    response = api(users["city"]).get("/api/v1/plans/1999/targets/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}


def test_the_annex_page_shows_every_cell_and_the_total_row(users, web):
    response = web(users["finance"]).get("/plans/2021/targets/")
    assert response.status_code == 200
    html = response.content.decode()
    for name, *_values in ANNEX.values():
        assert name in html
    assert "合计" in html and "89369" in html and "序号" in html and "总户数" in html


def test_the_targets_api_runs_a_bounded_number_of_queries(users, api, django_assert_max_num_queries):
    client = api(users["city"])
    # role and profile (3), plan, types, targets
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/plans/2021/targets/").status_code == 200
