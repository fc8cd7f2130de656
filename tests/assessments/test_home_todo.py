"""The home page's to-do lists name the year-end assessment while it is published for objection:
the city office its objections waiting for an answer, a county clerk the objection period's end."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment
from tests.http import expect, html_of


@pytest.fixture
def published(plan, users):
    draft = services.assessment_create(plan=plan, as_of=date(2021, 12, 31), actor=users["city"])
    return services.assessment_publish(assessment=draft, actor=users["city"])


def test_the_city_office_sees_the_objections_waiting_for_its_answer(published, users, web):
    services.objection_file(assessment=published, reason="退回次数有误", actor=users["clerk"])
    services.objection_file(assessment=published, reason="抽查户数有误", actor=users["other_clerk"])
    page = html_of(web(users["city"]).get("/home/"))
    assert "考核异议待答复 2 条" in page
    assert f'href="/plans/2021/assessments/{published.pk}/"' in page


def test_the_city_office_sees_nothing_of_the_assessment_once_every_objection_is_answered(published, users, web):
    objection = services.objection_file(assessment=published, reason="有误", actor=users["clerk"])
    services.objection_answer(objection=objection, decision="rejected", reply="核实无误", actor=users["city"])
    todo = expect(web(users["city"]).get("/home/")).context["todo"]
    assert todo["assessments"] == []
    assert "考核异议待答复" not in html_of(web(users["city"]).get("/home/"))


def test_a_clerk_sees_its_countys_result_in_publication_with_the_objection_deadline(published, users, web):
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    page = html_of(web(users["clerk"]).get("/home/"))
    assert f"本县考核结果公示中，异议截止 {deadline}" in page
    assert f'href="/plans/2021/assessments/{published.pk}/counties/140802/"' in page


def test_a_clerk_sees_nothing_once_the_objection_period_is_over_or_before_publication(plan, users, web):
    draft = services.assessment_create(plan=plan, as_of=date(2021, 12, 31), actor=users["city"])
    assert "本县考核结果公示中" not in html_of(web(users["clerk"]).get("/home/"))
    services.assessment_publish(assessment=draft, actor=users["city"])
    Assessment.objects.filter(pk=draft.pk).update(objection_deadline=timezone.localdate() - timedelta(days=1))
    assert "本县考核结果公示中" not in html_of(web(users["clerk"]).get("/home/"))


def test_a_department_and_finance_see_nothing_of_a_published_assessment(published, users, web):
    for role in ("department", "finance"):
        assert "考核" not in html_of(web(users[role]).get("/home/")).split('id="todo"')[1].split("</section>")[0]
