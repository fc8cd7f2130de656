"""Permission matrix: role × method × URL → status, for every report endpoint and page.

The report under test always belongs to 盐湖区 (140802), the county of the `clerk` user; `other_clerk`
is 永济市's clerk, for whom it must not exist (404).
"""

import pytest

from reports.models import ReportStatus

ROLES = ["anonymous", "norole", "clerk", "other_clerk", "city", "finance", "department", "admin"]


def expect(**overrides):
    """Expected status per role; anonymous API → 401, role-less → 403 unless overridden."""
    base = {"anonymous": 401, "norole": 403}
    base.update(overrides)
    return base


READERS = {"clerk": 200, "other_clerk": 404, "city": 200, "finance": 200, "department": 200, "admin": 200}
WRITER_ONLY = {"clerk": 200, "other_clerk": 404, "city": 403, "finance": 403, "department": 403, "admin": 403}
REVIEWER_ONLY = {"clerk": 403, "other_clerk": 404, "city": 200, "finance": 403, "department": 403, "admin": 200}

API_MATRIX = [
    # (method, url, report state, body, expected)
    ("get", "/api/v1/reports/", None, None, expect(**{r: 200 for r in READERS})),
    ("get", "/api/v1/reports/{id}/", ReportStatus.DRAFT, None, expect(**READERS)),
    ("get", "/api/v1/reports/{id}/history/", ReportStatus.DRAFT, None, expect(**READERS)),
    (
        "patch",
        "/api/v1/reports/{id}/",
        ReportStatus.DRAFT,
        {"version": 1, "narrative": "修改内容说明。"},
        expect(**WRITER_ONLY),
    ),
    ("post", "/api/v1/reports/{id}/submit/", ReportStatus.DRAFT, {}, expect(**WRITER_ONLY)),
    ("post", "/api/v1/reports/{id}/approve/", ReportStatus.SUBMITTED, {}, expect(**REVIEWER_ONLY)),
    ("post", "/api/v1/reports/{id}/return/", ReportStatus.SUBMITTED, {"reason": "请补充"}, expect(**REVIEWER_ONLY)),
    ("post", "/api/v1/reports/{id}/reopen/", ReportStatus.APPROVED, {"reason": "需更正"}, expect(**REVIEWER_ONLY)),
    (
        "post",
        "/api/v1/reports/",
        None,
        {"plan": 2021, "county": "140802", "period": "2021-09", "narrative": "新建月报说明。"},
        expect(clerk=201, other_clerk=400, city=403, finance=403, department=403, admin=403),
    ),
    ("get", "/api/v1/plans/2021/progress/", None, None, expect(**{r: 200 for r in READERS})),
]

PAGE_MATRIX = [
    ("get", "/reports/", None, expect(anonymous=302, **{r: 200 for r in READERS})),
    ("get", "/reports/{id}/", ReportStatus.DRAFT, expect(anonymous=302, **READERS)),
    ("get", "/reports/{id}/edit/", ReportStatus.DRAFT, expect(anonymous=302, **WRITER_ONLY)),
    (
        "get",
        "/reports/new/?period=2021-09",
        None,
        expect(anonymous=302, clerk=200, other_clerk=200, city=403, finance=403, department=200, admin=403),
    ),
    ("post", "/reports/{id}/submit/", ReportStatus.DRAFT, expect(anonymous=302, **{**WRITER_ONLY, "clerk": 302})),
    (
        "post",
        "/reports/{id}/approve/",
        ReportStatus.SUBMITTED,
        expect(anonymous=302, **{**REVIEWER_ONLY, "city": 302, "admin": 302}),
    ),
    (
        "post",
        "/reports/{id}/return/",
        ReportStatus.SUBMITTED,
        expect(anonymous=302, **{**REVIEWER_ONLY, "city": 302, "admin": 302}),
    ),
    (
        "post",
        "/reports/{id}/reopen/",
        ReportStatus.APPROVED,
        expect(anonymous=302, **{**REVIEWER_ONLY, "city": 302, "admin": 302}),
    ),
]


def _cases(matrix, with_body):
    for row in matrix:
        if with_body:
            method, url, state, body, expected = row
        else:
            (method, url, state, expected), body = row, None
        for role in ROLES:
            yield pytest.param(method, url, state, body, role, expected[role], id=f"{role}-{method}-{url}")


def _report(make_report, state):
    if state is None:
        return None
    return make_report(
        "140802", "2021-07", {("coal_to_electric", "urban"): 5}, status=state, narrative="本月推进情况说明。"
    )


@pytest.mark.parametrize(("method", "url", "state", "body", "role", "status"), list(_cases(API_MATRIX, True)))
def test_api_permission_matrix(users, api, make_report, method, url, state, body, role, status):
    report = _report(make_report, state)
    client = api(None if role == "anonymous" else users[role])
    path = url.format(id=report.pk if report else 0)
    response = getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)
    assert response.status_code == status, response.content
    if status >= 400:
        assert {"code", "detail"} <= set(response.json())


@pytest.mark.parametrize(("method", "url", "state", "body", "role", "status"), list(_cases(PAGE_MATRIX, False)))
def test_page_permission_matrix(users, web, make_report, method, url, state, body, role, status):
    report = _report(make_report, state)
    client = web(None if role == "anonymous" else users[role])
    path = url.format(id=report.pk if report else 0)
    # "confirmed": the pages ask before submitting; this is the confirmed post.
    data = {"reason": "原因说明", "version": "", "confirmed": "1"} if method == "post" else None
    response = client.post(path, data) if method == "post" else client.get(path)
    assert response.status_code == status
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
