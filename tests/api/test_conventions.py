"""Conventions every endpoint keeps: canonical path ids, scope before validation, one error shape."""

from urllib.parse import quote

import pytest

from tests.accounts.test_lockout import fail_on_api
from tests.households.helpers import make_household

pytestmark = pytest.mark.django_db

# int() reads each of these as the id: Unicode space around it (NEL, no-break space), Arabic-Indic and
# full-width digits, a sign, a trailing space.
NOT_CANONICAL = ["{id}%C2%85", "%C2%A0{id}", "arabic", "fullwidth", "+{id}", "{id}%20"]


def spelled(raw: str, pk: int) -> str:
    if raw == "arabic":
        return quote("".join(chr(0x660 + int(d)) for d in str(pk)))
    if raw == "fullwidth":
        return quote("".join(chr(0xFF10 + int(d)) for d in str(pk)))
    return raw.format(id=pk)


@pytest.fixture
def report(make_report):
    return make_report("140802", "2021-07", status="submitted")


@pytest.mark.parametrize("raw", NOT_CANONICAL)
@pytest.mark.parametrize("suffix", ["", "history/"])
def test_a_report_id_that_only_int_reads_as_a_number_is_not_found(api, users, report, raw, suffix):
    client = api(users["city"])
    assert client.get(f"/api/v1/reports/{report.pk}/{suffix}").status_code == 200
    response = client.get(f"/api/v1/reports/{spelled(raw, report.pk)}/{suffix}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("raw", NOT_CANONICAL)
@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
def test_a_report_action_on_a_non_canonical_id_is_not_found(api, users, report, raw, action):
    url = f"/api/v1/reports/{spelled(raw, report.pk)}/{action}/"
    response = api(users["city"]).post(url, {"reason": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("raw", NOT_CANONICAL)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/plans/2021/households/{id}/",
        "/api/v1/plans/2021/subsidies/settlements/{id}/",
        "/api/v1/plans/2021/inspections/samples/{id}/",
        "/api/v1/plans/2021/rectifications/{id}/",
    ],
)
def test_other_path_ids_are_canonical_too(api, users, plan, raw, path):
    household = make_household(plan, seq=1)
    response = api(users["city"]).get(path.format(id=spelled(raw, household.pk)))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
def test_outside_its_scope_an_empty_body_is_not_found_not_invalid(api, users, make_report, action):
    report = make_report("140802", "2021-07", status="submitted")
    response = api(users["other_clerk"]).post(f"/api/v1/reports/{report.pk}/{action}/", {}, format="json")
    assert response.status_code == 404, response.json()
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
def test_an_outsider_with_no_role_learns_nothing_from_an_empty_body(api, users, make_report, action):
    report = make_report("140802", "2021-07", status="submitted")
    client = api(users["norole"])
    # Refused by role before any lookup (counties.permissions.HasRole): the same answer for any id.
    answers = [client.post(f"/api/v1/reports/{pk}/{action}/", {}, format="json") for pk in (report.pk, 999999)]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()


def test_outside_its_scope_an_invalid_edit_is_not_found(api, users, make_report):
    report = make_report("140802", "2021-07", status="draft")
    response = api(users["other_clerk"]).patch(f"/api/v1/reports/{report.pk}/", {"version": "x"}, format="json")
    assert response.status_code == 404


def test_in_scope_the_empty_body_is_still_invalid(api, users, make_report):
    report = make_report("140802", "2021-07", status="submitted")
    response = api(users["city"]).post(f"/api/v1/reports/{report.pk}/return/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "role, path",
    [
        (None, "/api/v1/auth/token/"),
        ("city", "/api/v1/reports/{id}/approve/"),
        ("finance", "/api/v1/plans/2021/subsidies/settlements/"),
        ("finance", "/api/v1/plans/2021/households/payment/"),
    ],
)
def test_a_json_action_sent_as_a_form_is_unsupported_in_the_error_shape(api, users, make_report, role, path):
    report = make_report("140802", "2021-07", status="submitted")
    client = api(users[role] if role else None)
    response = client.post(path.format(id=report.pk), {"version": 1}, format="multipart")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("role, path", [
    ("clerk", "/api/v1/plans/2021/households/import/"),
    ("inspector", "/api/v1/plans/2021/inspections/visits/"),
])
def test_an_upload_sent_as_json_is_unsupported(api, users, plan, role, path):
    from counties.models import Role
    from counties.services import user_set_role
    from tests.conftest import PASSWORD

    if role == "inspector":
        users[role] = user_set_role(username="inspector", password=PASSWORD, role=Role.INSPECTOR)
    response = api(users[role]).post(path, {"mode": "create"}, format="json")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_the_token_lock_is_utf8_json_like_every_other_response(users, api):
    response = fail_on_api(api(), "clerk-140802", times=5)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "账号已被锁定".encode() in response.content and b"\\u" not in response.content
    assert response.json()["code"] == "locked"
