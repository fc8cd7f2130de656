"""The OpenAPI schema is true to the API where client generators trip."""

import pytest

from tests.http import json_of

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
    assert isinstance(json_of(api(users["city"]).get(f"/api/v1/reports/{report.pk}/history/")), list)


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


def test_the_schema_says_what_the_serializers_refuse(schema):
    import re

    components = schema["components"]["schemas"]
    reason = components["ReasonRequest"]["properties"]["reason"]
    assert reason["minLength"] == 1 and reason["maxLength"] == 1000 and reason["pattern"] == r"\S"
    assert components["ReasonRequest"]["properties"]["version"]["minimum"] == 1
    assert components["ReportUpdateRequest"]["properties"]["version"]["minimum"] == 1
    assert components["ReportCreateRequest"]["properties"]["period"]["pattern"] == r"^[0-9]{4}-(0[1-9]|1[0-2])$"
    assert components["HouseholdPaymentRequest"]["properties"]["households"]["minItems"] == 1
    money = re.compile(components["PaymentRequest"]["properties"]["amount"]["pattern"])
    assert [bool(money.match(v)) for v in ("0.01", "2100", "2100.50", "0", "0.00", "1.234", "", "1e3")] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    rate = re.compile(components["SampleDrawRequest"]["properties"]["rate"]["pattern"])
    assert [bool(rate.match(v)) for v in ("0.05", ".5", "1", "1.0000", "0", "", "-", ".", "1.5", "0.00001")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
        False,
    ]
    as_of = schema["paths"]["/api/v1/plans/{year}/progress/"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("pattern") for p in as_of if p["in"] == "query"}["period"] == (
        r"^([0-9]{4}-(0[1-9]|1[0-2]))?$"
    )


def test_report_bodies_are_json_only_and_the_roster_list_pages_by_cursor(schema):
    for method, path in (("post", "/api/v1/reports/"), ("patch", "/api/v1/reports/{id}/")):
        assert list(schema["paths"][path][method]["requestBody"]["content"]) == ["application/json"]
    roster = schema["paths"]["/api/v1/plans/{year}/households/"]["get"]
    body = roster["responses"]["200"]["content"]["application/json"]["schema"]
    # The roster pages by cursor (a page costs the same at any depth), the others by page number.
    assert body == {"$ref": "#/components/schemas/HouseholdPage"}
    assert {"cursor", "page_size"} <= {p["name"] for p in roster["parameters"]}
    assert "page" not in {p["name"] for p in roster["parameters"]}
    for path in ("grid/investments/", "payments/", "settlements/"):
        assert "201" in schema["paths"][f"/api/v1/plans/{{year}}/subsidies/{path}"]["post"]["responses"], path


def test_a_row_id_beyond_64_bits_is_invalid_input_not_a_server_error(api, users, plan):
    response = api(users["finance"]).post(
        "/api/v1/plans/2021/households/payment/",
        {"households": [2**63], "paid_on": "2021-08-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["households.0"]


def test_money_as_a_json_number_is_refused(api, users, plan):
    response = api(users["clerk"]).post(
        "/api/v1/plans/2021/subsidies/grid/investments/",
        {"project": "配电网", "amount": 500000, "invested_on": "2021-07-15"},
        format="json",
    )
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]


def test_a_report_sent_as_a_form_is_refused_as_unsupported(api, users, plan):
    response = api(users["clerk"]).post("/api/v1/reports/", {"plan": 2021, "period": "2021-07"}, format="multipart")
    assert response.status_code == 415


def test_a_blank_reason_is_refused_with_the_services_message(api, users, make_report):
    report = make_report("140802", "2021-07", status="submitted")
    response = api(users["city"]).post(f"/api/v1/reports/{report.pk}/return/", {"reason": "   "}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["请填写原因。"]


def test_every_operation_with_a_body_documents_the_415_it_answers_to_another_media_type(schema, api, users):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert ("415" in _error_codes(operation)) == ("requestBody" in operation), (method, path)
    response = api(users["city"]).post("/api/v1/reports/", "plan=2021", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_every_4xx_response_is_the_one_error_component(schema):
    assert {"retry_after", "problems", "rows", "errors"} <= set(schema["components"]["schemas"]["Error"]["properties"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    assert response["content"] == {"application/json": {"schema": ERROR_REF}}, (method, path, code)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"400", "429"} <= set(token) and "retry_after" in token["429"]["description"]


def _parser_media_types(path):
    import re

    from django.urls import resolve

    url = re.sub(r"\{(id|pk|oid)\}", "1", path.replace("{year}", "2021"))
    view = resolve(url).func
    cls = view.cls
    return [parser.media_type for parser in cls(**getattr(view, "initkwargs", {})).parser_classes]


def test_no_operation_lists_a_content_type_it_does_not_accept(schema):
    uploads = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            listed = list(operation["requestBody"]["content"])
            assert listed == _parser_media_types(path), (method, path)
            if listed == ["multipart/form-data"]:
                uploads.add(path)
            else:
                assert listed == ["application/json"], (method, path)
    assert uploads == {
        "/api/v1/plans/{year}/assessments/{id}/objections/",
        "/api/v1/plans/{year}/households/import/",
        "/api/v1/plans/{year}/inspections/visits/",
        "/api/v1/plans/{year}/rectifications/{id}/resolve/",
        "/api/v1/plans/{year}/targets/import/",
    }


def test_the_schema_names_itself_in_ascii_for_client_generators(schema):
    info = schema["info"]
    assert info["title"].startswith("运城市")
    assert info["x-package-name"].isascii() and info["x-package-name"].isidentifier()


def test_path_ids_are_integers_in_the_schema(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["type"] == "integer", (method, path, parameter)


def _untyped_successes(schema):
    """(method, path, status) of every 2xx JSON answer whose schema is a bare object (no fields)."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                body = response.get("content", {}).get("application/json", {}).get("schema")
                if body is None or "$ref" in body or body.get("type") == "array":
                    continue
                if not body.get("properties"):
                    yield method, path, status


# Answers still built by hand without an output serializer; the list only shrinks.
UNTYPED_FOR_NOW: set[tuple[str, str, str]] = set()


def test_every_json_answer_is_typed_by_a_serializer_except_those_still_listed(schema):
    untyped = set(_untyped_successes(schema))
    assert untyped - UNTYPED_FOR_NOW == set(), "a new answer without an output serializer"
    assert UNTYPED_FOR_NOW - untyped == set(), "typed now: take it off UNTYPED_FOR_NOW"
