"""Role × method × URL → status for every dashboard page and export."""

import pytest

from tests.http import html_of

DASHBOARD_ROLES = {"admin": 200, "city": 200, "finance": 200, "department": 200}
DENIED = {"clerk": 403, "other_clerk": 403, "norole": 403}

PAGES = {
    "/dashboard/": {**DASHBOARD_ROLES, **DENIED, None: 302},
    "/dashboard/status/": {**DASHBOARD_ROLES, **DENIED, None: 302},
    "/dashboard/trends/": {**DASHBOARD_ROLES, **DENIED, None: 302},
    # a clerk's own county page; another county's page is not found for it
    "/counties/140802/": {**DASHBOARD_ROLES, "clerk": 200, "other_clerk": 404, "norole": 403, None: 302},
    "/counties/140881/": {**DASHBOARD_ROLES, "clerk": 404, "other_clerk": 200, "norole": 403, None: 302},
    # the bulletin and ranking are public to every role
    "/bulletin/": {**DASHBOARD_ROLES, "clerk": 200, "other_clerk": 200, "norole": 403, None: 302},
    # the year-on-year comparison: the bulletin's public figures, for every role that reads reports
    "/plans/years/": {**DASHBOARD_ROLES, "clerk": 200, "other_clerk": 200, "norole": 403, None: 302},
}
EXPORTS = {
    "/api/v1/plans/2021/progress/export.xlsx": {**DASHBOARD_ROLES, **DENIED, None: 401},
    "/api/v1/plans/2021/progress/export.csv": {**DASHBOARD_ROLES, **DENIED, None: 401},
    "/api/v1/plans/years/progress/": {**DASHBOARD_ROLES, "clerk": 200, "other_clerk": 200, "norole": 403, None: 401},
}

PAGE_CASES = [(url, role, status) for url, matrix in PAGES.items() for role, status in matrix.items()]
EXPORT_CASES = [(url, role, status) for url, matrix in EXPORTS.items() for role, status in matrix.items()]


@pytest.mark.parametrize(("url", "role", "status"), PAGE_CASES)
def test_page_permissions(web, users, url, role, status):
    response = web(users[role] if role else None).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("url", "role", "status"), EXPORT_CASES)
def test_export_permissions(api, users, url, role, status):
    response = api(users[role] if role else None).get(url)
    assert response.status_code == status
    if status != 200:
        assert set(response.json()) >= {"code", "detail"}


@pytest.mark.parametrize("url", list(EXPORTS))
@pytest.mark.parametrize(("role", "status"), [("city", 405), ("clerk", 405), (None, 401)])
def test_exports_are_read_only(api, users, url, role, status):
    assert api(users[role] if role else None).post(url, {}).status_code == status


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/status/", "/bulletin/", "/counties/140802/"])
def test_pages_refuse_writes(web, users, url):
    assert web(users["city"]).post(url, {}).status_code == 405


def test_a_clerk_never_sees_another_countys_reports_anywhere_it_may_go(web, users, progress_data):
    client = web(users["clerk"])
    others = [r.pk for key, r in progress_data.items() if not key.startswith("yuhu")]
    for url in ["/counties/140802/", "/bulletin/", "/bulletin/?period=2021-08"]:
        html = html_of(client.get(url))
        for pk in others:
            assert f"/reports/{pk}/" not in html
