"""Permission matrix: every plan-year endpoint and page × every role → status."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.counties.plan_years import annex_rows, make_draft, workbook_bytes

ROLES = ["admin", "city", "finance", "department", "clerk", "other_clerk", "norole", None]


def statuses(ok, *, others, norole=403, anon):
    """The city office and the administrator get ``ok``; the other roles ``others``."""
    table = {role: others for role in ROLES}
    table.update({"admin": ok, "city": ok, "norole": norole, None: anon})
    return table


EVERYONE = {**{role: 200 for role in ROLES}, "norole": 403, None: 401}
NEW_YEAR = {"year": 2023, "title": "运城市2023年方案", "document_date": "2023-06-01", "deadline": "2023-10-31"}

API_CASES = [
    ("get", "/api/v1/plans/", None, EVERYONE),
    ("post", "/api/v1/plans/", NEW_YEAR, statuses(201, others=403, anon=401)),
    ("get", "/api/v1/plans/2021/targets/", None, EVERYONE),
    ("get", "/api/v1/plans/2022/targets/", None, statuses(200, others=404, anon=401)),
    ("post", "/api/v1/plans/2022/targets/import/", "workbook", statuses(200, others=403, anon=401)),
    ("post", "/api/v1/plans/2022/publish/", None, statuses(200, others=403, anon=401)),
    ("post", "/api/v1/plans/2021/close/", None, statuses(200, others=403, anon=401)),
]
PAGE_CASES = [
    ("/plans/", {**{role: 200 for role in ROLES}, "norole": 403, None: 302}),
    ("/plans/new/", statuses(200, others=403, anon=302)),
    ("/plans/2022/manage/", statuses(200, others=403, anon=302)),
    ("/plans/2021/manage/", statuses(200, others=403, anon=302)),
    ("/plans/2022/edit/", statuses(200, others=403, anon=302)),
    # A published year's fields are fixed: the city office is told so (409); others may not ask.
    ("/plans/2021/edit/", statuses(409, others=403, anon=302)),
    ("/plans/2022/targets/template.xlsx", statuses(200, others=403, anon=302)),
    ("/plans/2022/targets/", statuses(200, others=404, norole=404, anon=302)),
    ("/plans/2021/targets/", {**{role: 200 for role in ROLES}, None: 302}),
]


@pytest.fixture
def draft(users, plan):
    return make_draft(users, plan)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "body", "expected"), API_CASES, ids=[f"{c[0]} {c[1]}" for c in API_CASES])
def test_api_permission_matrix(api, users, draft, role, method, url, body, expected):
    client = api(users[role] if role else None)
    if body == "workbook":
        response = client.post(
            url,
            {"file": SimpleUploadedFile("t.xlsx", workbook_bytes(annex_rows())), "dry_run": "true"},
            format="multipart",
        )
    else:
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    assert response.status_code == expected[role], (role, method, url, response.content[:300])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_page_permission_matrix(web, users, draft, role, url, expected):
    response = web(users[role] if role else None).get(url)
    assert response.status_code == expected[role], (role, url)


@pytest.mark.parametrize("role", ["finance", "department", "clerk", "norole"])
def test_other_roles_cannot_post_to_the_plan_pages(web, users, draft, role):
    client = web(users[role])
    assert client.post("/plans/new/", {"year": "2023"}).status_code == 403
    assert client.post("/plans/2022/manage/", {"action": "publish", "confirmed": "1"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
