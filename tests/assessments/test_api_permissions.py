"""Who gets what from every assessment endpoint: role × method × URL → status, in each state where the
answer differs. Each role's request runs in a savepoint rolled back after it, so every role meets the
same state (a write the city office makes does not change what the next role sees)."""

import pytest
from django.db import transaction

from assessments.rules import DEFAULT_RULES
from tests.assessments import states

pytestmark = pytest.mark.django_db

ROLES = ("admin", "city", "finance", "department", "clerk", "other_clerk", "norole", "anonymous")
A = "/api/v1/plans/2021/assessments/{pk}/"


def answers(*, managers, finance, department, clerk, other_clerk=None):
    """Expected statuses by role: no role is refused (403), anonymous is asked to sign in (401)."""
    return {
        "admin": managers,
        "city": managers,
        "finance": finance,
        "department": department,
        "clerk": clerk,
        "other_clerk": clerk if other_clerk is None else other_clerk,
        "norole": 403,
        "anonymous": 401,
    }


def managers_only(status):
    return answers(managers=status, finance=403, department=403, clerk=403)


def readers(status, *, managers=None):
    return answers(managers=status if managers is None else managers, finance=status, department=status, clerk=status)


def hidden(managers):
    """Not visible to anyone but the city office (a draft; a published result for finance and departments)."""
    return answers(managers=managers, finance=404, department=404, clerk=404)


# The shipped default, sent back as the office would after reading it.
RULES = DEFAULT_RULES
AIR = {"county": "140802", "value": "38.5", "target": "40", "source": "市生态环境局2021年度考核通报"}
ADJUST = {"county": "140802", "points": "-1", "reason": "月报数据反复退回", "basis": "运清洁取暖办〔2021〕10号"}
ANSWER = {"decision": "rejected", "reply": "经核实，统计无误。"}
CREATE = {"as_of": "2021-12-31"}
OBJECT = {"reason": "验收户数未计入"}

PLAN_LEVEL = [
    ("get", "/api/v1/plans/2021/assessment/scheme/", None, readers(200)),
    ("put", "/api/v1/plans/2021/assessment/scheme/", {"rules": RULES, "note": "按市考核办意见调整"}, managers_only(200)),
    ("get", "/api/v1/plans/2021/assessment/air-quality/", None, managers_only(200)),
    ("put", "/api/v1/plans/2021/assessment/air-quality/", AIR, managers_only(200)),
    ("get", "/api/v1/plans/2021/assessments/", None, readers(200)),
    ("post", "/api/v1/plans/2021/assessments/", CREATE, managers_only(201)),
]

# (state, method, url, body, expected): the states of tests/assessments/states.py.
MATRIX = [("none", method, url, body, expected) for method, url, body, expected in PLAN_LEVEL]
MATRIX += [
    ("draft", "post", "/api/v1/plans/2021/assessments/", CREATE, managers_only(409)),
    ("draft", "get", A, None, hidden(200)),
    ("draft", "get", A + "counties/140802/", None, hidden(200)),
    ("draft", "get", A + "adjustments/", None, hidden(200)),
    ("draft", "post", A + "adjustments/", ADJUST, managers_only(201)),
    ("draft", "post", A + "publish/", {}, managers_only(200)),
    ("draft", "post", A + "finalize/", {}, managers_only(409)),
    ("draft", "get", A + "objections/", None, hidden(200)),
    # Role first: the city office may not object (403); a clerk does not see a draft (404).
    ("draft", "post", A + "objections/", OBJECT, answers(managers=403, finance=403, department=403, clerk=404)),
    ("draft", "get", A + "export.xlsx", None, hidden(200)),
    ("draft", "get", A + "notice.docx", None, hidden(409)),
]
PUBLISHED = [
    ("post", "/api/v1/plans/2021/assessments/", CREATE, managers_only(409)),
    # The league table shows other counties' points: not to a county before the final result.
    ("get", A, None, hidden(200)),
    ("get", A + "counties/140802/", None, answers(managers=200, finance=404, department=404, clerk=200, other_clerk=404)),
    ("get", A + "adjustments/", None, answers(managers=200, finance=404, department=404, clerk=200)),
    ("post", A + "adjustments/", ADJUST, managers_only(201)),
    ("post", A + "publish/", {}, managers_only(409)),
    ("get", A + "objections/", None, answers(managers=200, finance=404, department=404, clerk=200)),
    ("post", A + "objections/", OBJECT, answers(managers=403, finance=403, department=403, clerk=201)),
    ("post", A + "objections/{oid}/answer/", ANSWER, managers_only(200)),
    ("get", A + "objections/{oid}/attachment", None, answers(managers=200, finance=404, department=404, clerk=200, other_clerk=404)),
    ("get", A + "export.xlsx", None, answers(managers=200, finance=404, department=404, clerk=200)),
    ("get", A + "notice.docx", None, answers(managers=409, finance=404, department=404, clerk=409)),
]
MATRIX += [("objected", *row) for row in PUBLISHED]
MATRIX += [
    ("objected", "post", A + "finalize/", {}, managers_only(409)),  # an objection waits for its answer
    ("answered", "post", A + "finalize/", {}, managers_only(200)),
    ("answered", "post", A + "objections/{oid}/answer/", ANSWER, managers_only(409)),
]
MATRIX += [
    ("final", "post", "/api/v1/plans/2021/assessments/", CREATE, managers_only(409)),  # a correction says so
    ("final", "get", A, None, readers(200)),
    ("final", "get", A + "counties/140802/", None, answers(managers=200, finance=200, department=404, clerk=200, other_clerk=404)),
    ("final", "get", A + "counties/140881/", None, answers(managers=200, finance=200, department=404, clerk=404, other_clerk=200)),
    ("final", "get", A + "adjustments/", None, readers(200)),
    ("final", "post", A + "adjustments/", ADJUST, managers_only(409)),
    ("final", "post", A + "publish/", {}, managers_only(409)),
    ("final", "post", A + "finalize/", {}, managers_only(409)),
    ("final", "get", A + "objections/", None, readers(200)),
    ("final", "post", A + "objections/", OBJECT, answers(managers=403, finance=403, department=403, clerk=409)),
    ("final", "post", A + "objections/{oid}/answer/", ANSWER, managers_only(409)),
    ("final", "get", A + "objections/{oid}/attachment", None, answers(managers=200, finance=404, department=404, clerk=200, other_clerk=404)),
    ("final", "get", A + "export.xlsx", None, readers(200)),
    # A department reads the completion of its own types, not the counties' totals the notice lists.
    ("final", "get", A + "notice.docx", None, answers(managers=200, finance=200, department=404, clerk=200)),
]


def build(state, plan, users):
    """(assessment, objection) of the named state, or (None, None) before any assessment."""
    if state == "none":
        return None, None
    if state == "draft":
        return states.draft(plan, users), None
    return getattr(states, state)(plan, users)


def _request(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    if url.endswith("/objections/"):
        return client.post(url, body, format="multipart")
    return getattr(client, method)(url, body, format="json")


def statuses(api, users, method, url, body):
    found = {}
    for role in ROLES:
        client = api(None if role == "anonymous" else users[role])
        with transaction.atomic():
            found[role] = _request(client, method, url, body).status_code
            transaction.set_rollback(True)
    return found


@pytest.mark.parametrize(
    "state, method, url, body, expected",
    MATRIX,
    ids=[f"{state}-{method}-{url.replace(A, '…/')}" for state, method, url, body, _e in MATRIX],
)
def test_each_role_gets_the_status_the_matrix_says(api, users, plan, state, method, url, body, expected):
    assessment, objection = build(state, plan, users)
    url = url.format(pk=assessment.pk if assessment else 0, oid=objection.pk if objection else 0)
    assert statuses(api, users, method, url, body) == expected


def test_the_matrix_covers_every_assessment_endpoint():
    from django.urls import get_resolver

    names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.startswith("api-assessment")
    }
    covered = {
        "api-assessment-scheme",
        "api-assessment-air-quality",
        "api-assessments",
        "api-assessment",
        "api-assessment-county",
        "api-assessment-adjustments",
        "api-assessment-publish",
        "api-assessment-finalize",
        "api-assessment-objections",
        "api-assessment-objection-answer",
        "api-assessment-objection-attachment",
        "api-assessment-export",
        "api-assessment-notice",
    }
    assert names == covered
    from django.urls import resolve

    for _state, _method, url, _body, _expected in MATRIX:
        covered.discard(resolve(url.format(pk=1, oid=1)).url_name)
    assert covered == set()
