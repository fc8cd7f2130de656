"""Permission matrix: role × method × URL -> status, for every roster endpoint and page."""

import pytest

from tests.households.helpers import make_household, row, upload, workbook

pytestmark = pytest.mark.django_db

READ = {"admin": 200, "city": 200, "finance": 200, "department": 200, "clerk": 200, "other_clerk": 200}
WRITE_DENIED = {"finance": 403, "department": 403, "norole": 403}

API_GETS = [
    "/api/v1/plans/2021/households/",
    "/api/v1/plans/2021/households/template.xlsx",
    "/api/v1/plans/2021/households/export.xlsx",
    "/api/v1/plans/2021/spot-checks/",
    "/api/v1/plans/2021/spot-checks/summary/",
    "/api/v1/plans/2021/reconciliation/",
]
PAGES = [
    "/plans/2021/households/",
    "/plans/2021/households/template.xlsx",
    "/plans/2021/spot-checks/",
    "/plans/2021/reconciliation/",
]
WRITE_PAGES = ["/plans/2021/households/import/", "/plans/2021/households/acceptance/"]


@pytest.mark.parametrize("url", API_GETS)
def test_api_reads(api, users, url):
    for role, expected in {**READ, "norole": 403}.items():
        assert api(users[role]).get(url).status_code == expected, (role, url)
    assert api().get(url).status_code in (401, 403)
    assert api(users["city"]).get(url.replace("2021", "1999")).status_code == 404


def test_api_household_detail(api, users, plan):
    mine = make_household(plan, "140802", seq=1)
    url = f"/api/v1/plans/2021/households/{mine.pk}/"
    expected = {**READ, "other_clerk": 404, "norole": 403}
    for role, status in expected.items():
        assert api(users[role]).get(url).status_code == status, role
    assert api().get(url).status_code in (401, 403)
    electric_only = make_household(plan, "140802", "coal_to_gas", seq=2)
    assert api(users["department"]).get(f"/api/v1/plans/2021/households/{electric_only.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["admin", "city", "clerk", "finance", "department", "norole", None])
def test_api_import(api, users, role):
    content = workbook([row(1)])
    client = api(users[role] if role else None)
    response = client.post(
        "/api/v1/plans/2021/households/import/",
        {"file": upload(content), "county": "140802" if role in ("admin", "city") else ""},
        format="multipart",
    )
    expected = {"admin": 201, "city": 201, "clerk": 201}.get(role, 403)
    if role is None:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ["admin", "city", "clerk", "other_clerk", "finance", "department", "norole"])
def test_api_acceptance_and_spot_check_writes(api, users, plan, role):
    h = make_household(plan, "140802", seq=1)
    client = api(users[role])
    accepted = client.post(
        "/api/v1/plans/2021/households/acceptance/",
        {"households": [h.pk], "accepted_on": "2021-10-20", "accepted_by": "第三方", "result": "passed"},
        format="json",
    )
    spot = client.post(
        "/api/v1/plans/2021/spot-checks/",
        {
            "county": "140802",
            "checked_on": "2021-12-01",
            "inspector": "刘某",
            "items": [{"household": h.pk, "finding": "in_use"}],
        },
        format="json",
    )
    expected = {"admin": (200, 201), "city": (200, 201), "clerk": (200, 201), "other_clerk": (400, 400)}
    assert (accepted.status_code, spot.status_code) == expected.get(role, (403, 403))


@pytest.mark.parametrize("url", PAGES + WRITE_PAGES)
def test_pages(web, users, url):
    is_write = url in WRITE_PAGES
    for role in ("admin", "city", "finance", "department", "clerk", "norole"):
        expected = 403 if role == "norole" or (is_write and role in ("finance", "department")) else 200
        assert web(users[role]).get(url).status_code == expected, (role, url)
    anonymous = web(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_read_only_roles_cannot_post_to_the_spot_check_or_acceptance_pages(web, users, plan):
    for role in ("finance", "department"):
        assert web(users[role]).post("/plans/2021/spot-checks/", {}).status_code == 403
        assert web(users[role]).post("/plans/2021/households/acceptance/", {}).status_code == 403
