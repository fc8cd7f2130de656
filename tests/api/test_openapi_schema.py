"""The OpenAPI schema is true to the API where client generators trip."""

import pytest

pytestmark = pytest.mark.django_db
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def schema(api, users):
    response = api(users["city"]).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import json

    return json.loads(response.content)


def _error_codes(operation):
    return {
        code
        for code, response in operation["responses"].items()
        if response.get("content", {}).get("application/json", {}).get("schema") == ERROR_REF
    }


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404"} <= _error_codes(operation), (method, path)
    reports = schema["paths"]["/api/v1/reports/{id}/"]["patch"]
    assert {"400", "409"} <= _error_codes(reports)
    roster_import = schema["paths"]["/api/v1/plans/{year}/households/import/"]["post"]
    assert {"400", "409", "429"} <= _error_codes(roster_import)


def test_reason_and_version_are_required_where_the_api_requires_them(schema):
    components = schema["components"]["schemas"]
    assert "reason" in components["ReasonRequest"]["required"]
    assert "reason" in components["VoidRequest"]["required"]
    assert components["ReportUpdateRequest"]["required"] == ["version"]
    assert "amount" in components["RuleUpdateRequest"]["required"]


def test_the_history_is_documented_as_the_plain_list_it_returns(schema, api, users, make_report):
    operation = schema["paths"]["/api/v1/reports/{id}/history/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert "page" not in {p["name"] for p in operation.get("parameters", [])}
    report = make_report("140802", "2021-07")
    assert isinstance(api(users["city"]).get(f"/api/v1/reports/{report.pk}/history/").json(), list)


@pytest.mark.parametrize("query", ["plan=", "plan=abc", "plan=²", "period=", "status=", "page=true", "page=0"])
def test_malformed_list_parameters_are_a_400_in_the_error_shape(api, users, query):
    response = api(users["city"]).get(f"/api/v1/reports/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_page_past_the_end_is_still_a_404_and_the_roster_pages_the_same_way(api, users):
    client = api(users["city"])
    assert client.get("/api/v1/reports/?page=99").status_code == 404
    assert client.get("/api/v1/plans/2021/households/?page=true").status_code == 400


def test_a_reason_missing_from_a_return_is_refused_with_a_chinese_message(api, users, make_report):
    report = make_report("140802", "2021-07", status="submitted")
    response = api(users["city"]).post(f"/api/v1/reports/{report.pk}/return/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["请填写原因。"]


def test_an_unknown_api_url_is_a_json_404(api, users):
    response = api(users["city"]).get("/api/v1/plans/abc/targets/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
