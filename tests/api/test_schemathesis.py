"""A bounded schemathesis run: every operation of the OpenAPI schema, as a clerk and as the city office.

Every check schemathesis has runs (status codes documented, response bodies, headers and content
types as the schema says, schema-valid input accepted, schema-invalid input refused, the token
required, …) and must report nothing. The run is deterministic (a fixed seed) and small (a few
examples per operation) so that it belongs in ``make test``; the application runs in-process
(WSGI) against pytest-django's test database, seeded with the 2021 plan and one user per role.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.python import wsgi

from accounts.services import token_create

SEED = 2021
# schemathesis's own list for positive_data_acceptance (config/_checks.py), to which the operations below add 400.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
DATA_DEPENDENT_OPERATIONS = {
    "/api/v1/plans/",  # a year not yet started; a deadline after the document date; an earlier year to copy
    "/api/v1/plans/{year}/targets/import/",  # the workbook's content
    "/api/v1/plans/{year}/households/",  # an opaque cursor is valid only as the server issued it
    "/api/v1/plans/{year}/households/import/",  # the workbook's content
    "/api/v1/plans/{year}/households/acceptance/",  # households by id, or a county, township and village
    "/api/v1/plans/{year}/households/payment/",  # households by id
    "/api/v1/plans/{year}/inspections/samples/",  # counties and inspectors by code and user name
    "/api/v1/plans/{year}/spot-checks/",  # a county code
    "/api/v1/plans/{year}/progress/",  # ?period= a month of the plan
    "/api/v1/plans/{year}/targets/adjustments/",  # a county and type code, a month of the plan, a changed value
    "/api/v1/plans/{year}/progress/export.csv",
    "/api/v1/plans/{year}/progress/export.xlsx",
    "/api/v1/plans/{year}/bulletin/export.docx",  # ?period= a month of the plan
    "/api/v1/plans/{year}/subsidies/",
    "/api/v1/plans/{year}/subsidies/export.csv",
    "/api/v1/plans/{year}/subsidies/export.xlsx",
    "/api/v1/plans/{year}/subsidies/payments/",  # ?period=; a county code, a date in the plan's year
    "/api/v1/plans/{year}/subsidies/grid/investments/",  # a county code, a date in the plan's year
    "/api/v1/plans/{year}/subsidies/rules/{id}/",  # the new rate's month among the plan's months
    "/api/v1/reports/",  # a plan year, a county code, a month of the plan
    "/api/v1/plans/{year}/assessment/scheme/",  # weights that add up to 100, grades in falling order
    "/api/v1/plans/{year}/assessment/air-quality/",  # a county code among the assessed counties
    "/api/v1/plans/{year}/assessments/",  # an as-of date in the plan's span; a final result to correct
    "/api/v1/plans/{year}/assessments/{id}/adjustments/",  # a county code; points within the scheme's limits
    "/api/v1/plans/{year}/assessments/{id}/objections/",  # the attachment's content (PDF, image, Office file)
    "/api/v1/plans/{year}/assessments/{id}/objections/{oid}/answer/",  # points with an accepted objection
}
EXAMPLES_PER_OPERATION = 12
CONFIG = {
    "seed": SEED,
    "generation": {
        "max-examples": EXAMPLES_PER_OPERATION,
        "deterministic": True,
        "database": "none",
        # Every request carrying a NUL character is refused before any view (core/middleware.py):
        # PostgreSQL cannot store it. A rule of the whole API, not of one field, so it is not a pattern on
        # every string of the schema; the run sends none.
        "allow-x00": False,
    },
    # The plan the test database holds: requests reach the views' logic instead of a 404 for year 413.
    "parameters": {"path.year": 2021},
    # The coverage phase (boundary values of every parameter) passes too, but takes about 110 s on two
    # cores instead of about 35 s: run it by hand when changing the schema. The stateful phase needs
    # OpenAPI links, which drf-spectacular does not write.
    "phases": {"examples": {"enabled": True}, "fuzzing": {"enabled": True}, "coverage": {"enabled": False}},
    "checks": {"enabled": True},
    "operations": [
        {
            # No schema can say which user names and passwords are right: a wrong pair is the one
            # refusal (400, documented) a schema-valid request to the token endpoint can meet.
            "include-path": "/api/v1/auth/token/",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
        {
            # Input the schema describes fully but whose validity depends on what is stored: the
            # uploaded file's content (an .xlsx workbook in the template's shape); ID numbers of
            # households that exist and are yours; a county code among the plan's counties; a month
            # or date inside the plan's year. A schema cannot enumerate stored rows, so a schema-valid
            # request can still be refused here with a 400 naming the field; every other check holds.
            "include-path": sorted(DATA_DEPENDENT_OPERATIONS),
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
    ],
}


def _load_schema():
    """The schema ``/api/v1/schema/`` serves, generated in-process (no database needed at collection)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))
    schema = schemathesis.openapi.from_dict(raw, config=SchemathesisConfig.from_dict(CONFIG))
    schema.app = WSGIHandler()
    return schema


schema = _load_schema()


@pytest.fixture
def wsgi_requests(settings):
    """Requests reach the application in-process, inside the test's transaction."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, wsgi.HOST]
    # Django's own test client does the same: a request's end must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
# The database fixtures are set up once for the whole run on purpose: what one operation writes is
# there for the next, as on a real server.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_its_schema_says_for_a_clerk_and_the_city_office(case, users, wsgi_requests):
    for role in ("clerk", "city"):
        # A fresh token for every request: the run also signs out (logout, logout-all).
        _, token = token_create(user=users[role])
        case.call_and_validate(headers={"Authorization": f"Token {token}"})


def test_the_run_leaves_no_check_of_schemathesis_out():
    from schemathesis.checks import CHECKS, is_check_class, load_all_checks

    load_all_checks()
    builtin = {check.__name__ for check in CHECKS.get_all() if not is_check_class(check)}
    assert {"positive_data_acceptance", "negative_data_rejection", "response_schema_conformance"} <= builtin
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        config = schema.config.checks_config_for(operation=operation, phase=None)
        assert {name for name in builtin if config.get_by_name(name=name).enabled} == builtin, operation.label


def _call(operation, user, *, path_parameters=None, body=None, query=None):
    """One hand-written request through the same checks: the success paths random data rarely reaches."""
    case = operation.Case(
        path_parameters={"year": 2021, **(path_parameters or {})},
        query=query,
        **({"body": body, "media_type": "application/json"} if body is not None else {}),
    )
    _, token = token_create(user=user)
    return case.call_and_validate(headers={"Authorization": f"Token {token}"})


@pytest.mark.django_db
def test_the_success_paths_answer_as_the_schema_says(users, wsgi_requests):
    clerk, city, finance = users["clerk"], users["city"], users["finance"]
    reports = schema["/api/v1/reports/"]
    report = schema["/api/v1/reports/{id}/"]
    created = _call(
        reports["POST"],
        clerk,
        body={"plan": 2021, "county": "140802", "period": "2021-07", "lines": [
            {"type": "coal_to_electric", "area_class": "rural", "households": 10}
        ]},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    version = created.json()["version"]
    edited = _call(report["PATCH"], clerk, path_parameters={"id": pk}, body={"version": version, "narrative": "进展顺利"})
    assert edited.status_code == 200
    version = edited.json()["version"]
    action = {"id": pk}
    assert _call(report_op("submit"), clerk, path_parameters=action, body={"version": version}).status_code == 200
    returned = _call(report_op("return"), city, path_parameters=action, body={"reason": "请补充照片"})
    assert returned.status_code == 200
    version = returned.json()["version"]
    assert _call(report_op("submit"), clerk, path_parameters=action, body={"version": version}).status_code == 200
    assert _call(report_op("approve"), city, path_parameters=action, body={}).status_code == 200
    assert _call(report_op("reopen"), city, path_parameters=action, body={"reason": "数据需更正"}).status_code == 200
    history = _call(schema["/api/v1/reports/{id}/history/"]["GET"], city, path_parameters=action)
    assert [event["action"] for event in history.json()][:1]

    investments = schema["/api/v1/plans/{year}/subsidies/grid/investments/"]["POST"]
    body = {"project": "配电网改造", "amount": "500000", "invested_on": "2021-07-15"}
    assert _call(investments, clerk, body=body).status_code == 201
    payments = schema["/api/v1/plans/{year}/subsidies/payments/"]["POST"]
    payment = {"county": "140802", "level": "city", "paid_on": "2021-08-01", "amount": "100.00"}
    payment.update(document_number="运财〔2021〕1号", reason="预拨")
    paid = _call(payments, finance, body=payment)
    assert paid.status_code == 201, paid.json()
    settlements = schema["/api/v1/plans/{year}/subsidies/settlements/"]["POST"]
    assert _call(settlements, finance, body={"period": "2021-10"}).status_code == 201


def report_op(name):
    return schema[f"/api/v1/reports/{{id}}/{name}/"]["POST"]
