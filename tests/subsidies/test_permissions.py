"""Permission matrix: every subsidy endpoint and page × every role × method → status."""

import pytest

from subsidies.models import Settlement, SubsidyRule
from subsidies.services import settlement_create
from tests.http import html_of, json_of

ROLES = ["admin", "city", "finance", "department", "clerk", "other_clerk", "norole", None]
API = "/api/v1/plans/2021/subsidies/"
PAGE = "/plans/2021/subsidies/"


def statuses(ok, *, admin=None, city=None, finance=None, clerk=None, other_clerk=None, anon_api=True):
    """Build {role: status}: departments and users without a role are always refused."""
    table = {
        "admin": admin if admin is not None else ok,
        "city": city if city is not None else ok,
        "finance": finance if finance is not None else ok,
        "clerk": clerk if clerk is not None else ok,
        "other_clerk": other_clerk if other_clerk is not None else (clerk if clerk is not None else ok),
        "department": 403,
        "norole": 403,
        None: 401 if anon_api else 302,
    }
    return table


READ_ALL = statuses(200)
CITY_WIDE = statuses(200, clerk=403)

API_CASES = [
    ("get", "", None, READ_ALL),
    ("get", "?period=2021-10", None, READ_ALL),
    ("get", "export.xlsx?period=2021-10", None, READ_ALL),
    ("get", "export.csv?period=2021-10", None, READ_ALL),
    ("get", "rules/", None, READ_ALL),
    ("get", "grid/", None, READ_ALL),
    ("get", "payments/?period=2021-10", None, READ_ALL),
    ("get", "settlements/", None, CITY_WIDE),
    ("get", "settlements/{settlement}/", None, CITY_WIDE),
    ("get", "settlements/{settlement}/export.xlsx", None, CITY_WIDE),
    (
        "patch",
        "rules/{rule}/",
        {"amount": "2000.00", "effective_from": "2021-06", "reason": "核对"},
        statuses(403, city=200, finance=200),
    ),
    (
        "post",
        "grid/investments/",
        {"county": "140802", "project": "线路", "amount": "100", "invested_on": "2021-07-01"},
        statuses(403, finance=201, clerk=201, other_clerk=404),
    ),
    ("post", "grid/allocations/", {"county": "140802", "amount": "100"}, statuses(403, finance=200)),
    (
        "post",
        "payments/",
        {
            "county": "140802",
            "level": "city",
            "paid_on": "2021-12-01",
            "document_number": "运财〔2021〕9号",
            "amount": "1",
            "reason": "预拨",
        },
        statuses(403, finance=201),
    ),
    ("post", "settlements/", {"period": "2021-10", "supersede": True}, statuses(403, finance=201, clerk=403)),
]


@pytest.fixture
def ids(users, plan):
    settlement = settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    rule = SubsidyRule.objects.filter(plan=plan).first()
    return {"settlement": settlement.pk, "rule": rule.pk}


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(users, api, ids, role):
    """One test per role (the fixtures are costly); every endpoint and method inside it."""
    client = api(users[role] if role else None)
    wrong = []
    for method, path, body, expected in API_CASES:
        url = API + path.format(**ids)
        if body is None:
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, body, format="json")
        if response.status_code != expected[role]:
            wrong.append((method, url, expected[role], response.status_code, response.content[:200]))
        elif response.status_code >= 400:
            assert {"code", "detail"} <= set(response.json()), url
    assert not wrong, wrong


PAGE_CASES = [
    ("get", "", None, statuses(200, anon_api=False)),
    ("get", "?period=2021-08", None, statuses(200, anon_api=False)),
    ("get", "rules/", None, statuses(200, anon_api=False)),
    ("get", "settlements/{settlement}/", None, statuses(200, clerk=403, anon_api=False)),
    (
        "post",
        "rules/",
        {
            "rule": "{rule}",
            "rule{rule}-amount": "2000.00",
            "rule{rule}-effective_from": "2021-06",
            "rule{rule}-reason": "核对",
        },
        statuses(403, city=302, finance=302, anon_api=False),
    ),
    (
        "post",
        "grid/investments/",
        {
            "investment-county": "140802",
            "investment-project": "线路",
            "investment-amount": "100",
            "investment-invested_on": "2021-07-01",
        },
        # another county is not among the clerk's choices: a form error, not a save
        statuses(403, finance=302, clerk=302, other_clerk=400, anon_api=False),
    ),
    (
        "post",
        "grid/allocations/",
        {"allocation-county": "140802", "allocation-amount": "100"},
        statuses(403, finance=302, anon_api=False),
    ),
    (
        "post",
        "payments/",
        {
            "payment-county": "140802",
            "payment-level": "county",
            "payment-paid_on": "2021-12-01",
            "payment-document_number": "X",
            "payment-amount": "1",
            "payment-reason": "预拨",
            "confirmed": "1",  # the page asks first; this is the confirmed post
        },
        statuses(403, finance=302, anon_api=False),
    ),
    (
        "post",
        "settlements/",
        # the page checks first; this is the confirmed post
        {"settlement-period": "2021-10", "settlement-supersede": "on", "confirmed": "1", "checked_period": "2021-10"},
        statuses(403, finance=302, anon_api=False),
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_page_permission_matrix(users, web, ids, role):
    client = web(users[role] if role else None)
    wrong = []
    for method, path, body, expected in PAGE_CASES:
        url = PAGE + path.format(**ids)
        if body is None:
            response = client.get(url)
        else:
            data = {k.format(**ids): v.format(**ids) for k, v in body.items()}
            response = client.post(url, data)
        if response.status_code != expected[role]:
            wrong.append((method, url, expected[role], response.status_code))
        elif role is None:
            assert "/accounts/login/" in response["Location"]
    assert not wrong, wrong


def test_a_clerk_sees_only_its_own_county_in_the_api_and_on_the_page(users, api, web, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1})
    make_report("140881", "2021-07", {("coal_to_electric", "urban"): 2})
    body = json_of(api(users["clerk"]).get(API, {"period": "2021-10"}))
    assert [row["county"] for row in body["rows"]] == ["140802"]
    assert body["totals"]["total"] == "4000.00"
    html = html_of(web(users["clerk"]).get(PAGE))
    assert "盐湖区" in html and "永济市" not in html and "settlement-form" not in html
    grid = json_of(api(users["other_clerk"]).get(API + "grid/"))
    assert [row["county"] for row in grid["rows"]] == ["140881"]


def test_finance_sees_every_county_and_all_write_forms(users, web):
    html = html_of(web(users["finance"]).get(PAGE))
    for form_id in ("investment-form", "allocation-form", "payment-form", "settlement-form"):
        assert f'id="{form_id}"' in html
    assert html.count('data-county="') >= 13


def test_the_city_office_reads_everything_but_has_no_money_forms(users, web, ids):
    html = html_of(web(users["city"]).get(PAGE))
    assert "payment-form" not in html and "allocation-form" not in html and "settlement-table" in html


def test_another_countys_settlement_or_unknown_ids_are_404(users, api):
    assert api(users["finance"]).get(API + "settlements/999999/").status_code == 404
    assert api(users["finance"]).patch(API + "rules/999999/", {"amount": "1"}, format="json").status_code == 404
    assert Settlement.objects.count() == 0


@pytest.mark.parametrize("role", ["city", "admin"])
def test_a_role_that_may_not_record_grid_investments_is_refused_before_its_body_is_read(users, api, role):
    response = api(users[role]).post(f"{API}grid/investments/", {"amount": 100}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有本县填报员或市财政局可以登记配套电网投资。"
