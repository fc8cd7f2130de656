"""The roster list page's “验收所选” and “标记补助已拨付” forms, through the existing services."""

from datetime import date

import pytest

from households.models import Household
from tests.households.helpers import make_household
from tests.http import expect, html_of

pytestmark = pytest.mark.django_db

LIST = "/plans/2021/households/"
ACCEPT = "/plans/2021/households/accept-selected/"
PAID = "/plans/2021/households/mark-paid/"


def accept_data(*households, back="", accepted_on="2021-10-20", accepted_by="第三方评估公司", result="passed"):
    return {
        "households": [h.pk for h in households],
        "back": back,
        "accept-accepted_on": accepted_on,
        "accept-accepted_by": accepted_by,
        "accept-result": result,
    }


def paid_data(*households, back="", paid_on="2021-12-01"):
    return {"households": [h.pk for h in households], "back": back, "paid-paid_on": paid_on}


def snapshot():
    return list(Household.objects.order_by("pk").values_list("pk", "status", "accepted_on", "paid_on"))


def test_a_clerk_accepts_two_ticked_households_and_the_city_office_marks_them_paid(web, users, plan):
    first = make_household(plan, seq=1)
    second = make_household(plan, seq=2)
    untouched = make_household(plan, seq=3)
    clerk = web(users["clerk"])

    response = clerk.post(
        ACCEPT, accept_data(first, second, back="status=completed&q=东村&after=WzEsIuS4nCIsIuadkSIsMV0&evil=x")
    )
    assert response.status_code == 302
    assert (
        response.url.startswith(LIST)
        and "status=completed" in response.url
        and "after=WzEsIuS4nCIsIuadkSIsMV0" in response.url
    )
    assert "evil" not in response.url
    first.refresh_from_db()
    second.refresh_from_db()
    untouched.refresh_from_db()
    for household in (first, second):
        assert household.status == "accepted"
        assert household.accepted_on == date(2021, 10, 20)
        assert household.accepted_by == "第三方评估公司"
        assert household.acceptance_result == "passed"
    assert untouched.status == "completed" and untouched.accepted_on is None
    assert "已记录2户的验收结果。" in html_of(clerk.get(response.url))

    city = web(users["city"])
    response = city.post(PAID, paid_data(first, second), follow=True)
    assert response.redirect_chain[-1] == (LIST, 302)
    assert "已将2户标记为补助已拨付。" in response.content.decode()
    assert sorted(Household.objects.filter(status="paid").values_list("pk", flat=True)) == [first.pk, second.pk]
    assert set(Household.objects.filter(status="paid").values_list("paid_on", flat=True)) == {date(2021, 12, 1)}
    assert Household.objects.get(pk=untouched.pk).paid_on is None


def test_a_failed_acceptance_keeps_the_households_completed_with_the_result_noted(web, users, plan):
    household = make_household(plan, seq=1)
    expect(web(users["clerk"]).post(ACCEPT, accept_data(household, result="failed")), 302)
    household.refresh_from_db()
    assert household.status == "completed" and household.acceptance_result == "failed"


def test_a_clerk_posting_another_countys_household_gets_404_and_nothing_changes(web, users, plan):
    mine = make_household(plan, "140802", seq=1)
    theirs = make_household(plan, "140881", seq=2)
    before = snapshot()
    assert web(users["clerk"]).post(ACCEPT, accept_data(mine, theirs)).status_code == 404
    assert web(users["clerk"]).post(ACCEPT, accept_data(theirs)).status_code == 404
    assert snapshot() == before


def test_a_malformed_household_id_is_404_not_500(web, users, plan):
    household = make_household(plan, seq=1)
    data = accept_data(household)
    data["households"] = [str(household.pk), "abc"]
    assert web(users["clerk"]).post(ACCEPT, data).status_code == 404
    assert web(users["city"]).post(PAID, {"households": ["1e9x"], "paid-paid_on": "2021-12-01"}).status_code == 404


def test_finance_cannot_accept_and_a_clerk_cannot_mark_paid(web, users, plan):
    household = make_household(plan, seq=1, status="accepted", accepted_on=date(2021, 10, 1))
    before = snapshot()
    assert web(users["finance"]).post(ACCEPT, accept_data(household)).status_code == 403
    assert web(users["clerk"]).post(PAID, paid_data(household)).status_code == 403
    assert snapshot() == before


def test_marking_households_not_yet_accepted_as_paid_is_refused_with_the_services_message(web, users, plan):
    first = make_household(plan, seq=1)
    second = make_household(plan, seq=2)
    before = snapshot()
    response = web(users["city"]).post(PAID, paid_data(first, second), follow=True)
    assert response.status_code == 200
    assert "有2户尚未验收合格，不能拨付补助。" in response.content.decode()
    assert snapshot() == before


def test_accepting_a_household_not_yet_completed_is_refused_with_the_services_message(web, users, plan):
    done = make_household(plan, seq=1)
    registered = make_household(plan, seq=2, status="registered", completed_on=None)
    before = snapshot()
    response = web(users["clerk"]).post(ACCEPT, accept_data(done, registered), follow=True)
    assert "有1户尚未完工（无完工日期），不能验收。" in response.content.decode()
    assert snapshot() == before


def test_bad_dates_and_an_empty_selection_give_chinese_messages_not_500(web, users, plan):
    household = make_household(plan, seq=1)
    before = snapshot()
    clerk = web(users["clerk"])
    html = clerk.post(ACCEPT, accept_data(household, accepted_on="2021-13-45"), follow=True).content.decode()
    assert "验收日期格式不正确" in html
    html = clerk.post(ACCEPT, accept_data(household, accepted_on=""), follow=True).content.decode()
    assert "请填写验收日期。" in html
    html = clerk.post(ACCEPT, accept_data(household, accepted_on="2099-01-01"), follow=True).content.decode()
    assert "验收日期不能晚于今天。" in html
    html = web(users["city"]).post(PAID, paid_data(), follow=True).content.decode()
    assert "请选择改造户。" in html
    assert snapshot() == before


def test_paying_before_the_acceptance_date_is_refused(web, users, plan):
    household = make_household(plan, seq=1, status="accepted", accepted_on=date(2021, 11, 1))
    html = web(users["finance"]).post(PAID, paid_data(household, paid_on="2021-10-01"), follow=True).content.decode()
    assert "拨付日期不能早于验收日期。" in html
    assert Household.objects.get().status == "accepted"


def test_the_list_page_offers_the_forms_only_to_roles_allowed_to_use_them(web, users, plan):
    make_household(plan, seq=1)
    pages = {role: html_of(web(users[role]).get(LIST)) for role in ("clerk", "city", "finance", "department")}
    assert 'id="accept-form"' in pages["clerk"] and 'id="paid-form"' not in pages["clerk"]
    assert 'id="accept-form"' in pages["city"] and 'id="paid-form"' in pages["city"]
    assert 'id="accept-form"' not in pages["finance"] and 'id="paid-form"' in pages["finance"]
    assert "row-select" not in pages["department"] and "households-actions.js" not in pages["department"]
    assert "row-select" in pages["clerk"] and "households-actions.js" in pages["clerk"]


ACCEPT_MATRIX = {
    "admin": 302,
    "city": 302,
    "finance": 403,
    "department": 403,
    "clerk": 302,
    "other_clerk": 404,
    "norole": 403,
    None: 302,
}
PAID_MATRIX = {
    "admin": 302,
    "city": 302,
    "finance": 302,
    "department": 403,
    "clerk": 403,
    "other_clerk": 403,
    "norole": 403,
    None: 302,
}


@pytest.mark.parametrize(("role", "status"), ACCEPT_MATRIX.items())
def test_accept_selected_permissions(web, users, plan, role, status):
    household = make_household(plan, "140802", seq=1)
    response = web(users[role] if role else None).post(ACCEPT, accept_data(household))
    assert response.status_code == status
    if role is None:
        assert "/login" in response.url and Household.objects.get().status == "completed"
    elif status == 302:
        assert Household.objects.get().status == "accepted"


@pytest.mark.parametrize(("role", "status"), PAID_MATRIX.items())
def test_mark_paid_permissions(web, users, plan, role, status):
    household = make_household(plan, "140802", seq=1, status="accepted", accepted_on=date(2021, 10, 1))
    response = web(users[role] if role else None).post(PAID, paid_data(household))
    assert response.status_code == status
    if role is None:
        assert "/login" in response.url and Household.objects.get().status == "accepted"
    elif status == 302:
        assert Household.objects.get().status == "paid"


@pytest.mark.parametrize("url", [ACCEPT, PAID])
def test_the_actions_accept_only_post(web, users, url):
    assert web(users["city"]).get(url).status_code == 405
