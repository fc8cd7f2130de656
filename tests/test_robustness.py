"""Odd input never produces a server error (500), for pages and API alike."""

import pytest

GET_URLS = [
    "/api/v1/reports/abc/",
    "/api/v1/reports/99999999999999999999/",
    "/api/v1/plans/2021/households/abc/",
    "/dashboard/?period=abc",
    "/counties/999999/",
    "/api/v1/plans/2021/progress/?period=%00",
    "/api/v1/reports/?plan=abc",
    "/api/v1/reports/?county=%00",
    "/plans/2021/households/?page=abc",
    "/plans/2021/households/?q=%00",
    "/api/v1/plans/2021/subsidies/?period=2021-99",
    "/bulletin/?period=x",
    "/dashboard/status/?period=2099-01",
    "/reports/new/?period=",
    "/api/v1/plans/2021/subsidies/settlements/abc/",
    "/api/v1/plans/2021/reconciliation/?period=bad",
    "/api/v1/plans/2021/households/?status=zzz&type=zzz&county=zzz",
]


@pytest.mark.parametrize("url", GET_URLS)
def test_odd_query_strings_and_ids_never_cause_a_server_error(users, web, url):
    for role in ("city", "clerk"):
        response = web(users[role]).get(url)
        assert response.status_code < 500, (role, url, response.status_code)


@pytest.mark.parametrize(
    "lines",
    [
        [{"type": "coal_to_electric", "area_class": "urban", "households": [1]}],
        [{"type": "building_retrofit", "area_class": "urban", "area_m2": {"a": 1}}],
        [{"type": 123, "area_class": [], "households": None}],
        [{"type": "coal_to_electric", "area_class": "urban", "households": "1e400"}],
        [{"type": "coal_to_electric", "area_class": "urban", "households": "NaN"}],
        [None],
        {"not": "a list"},
    ],
)
def test_malformed_report_lines_get_a_400_not_a_500(users, api, lines):
    body = {
        "plan": 2021,
        "county": "140802",
        "period": "2021-07",
        "lines": lines,
        "narrative": "说明文字内容十个字以上。",
    }
    response = api(users["clerk"]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_a_nul_character_in_a_query_or_body_is_a_400_on_every_database(users, api, web):
    assert api(users["city"]).get("/api/v1/reports/?county=%00").status_code == 400
    body = {"plan": 2021, "county": "1408\u000002", "period": "2021-07", "narrative": "说明\u0000"}
    response = api(users["clerk"]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert web(users["city"]).get("/dashboard/?period=%00").status_code == 400
