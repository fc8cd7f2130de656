from datetime import date, timedelta

import pytest
from django.utils import timezone

from households.models import Household
from tests.households.helpers import id_of, make_household, make_id
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db
ACCEPT = "/api/v1/plans/2021/households/acceptance/"


def accept(client, **body):
    body = {"accepted_on": "2021-10-20", "accepted_by": "山西某第三方评估公司", "result": "passed", **body}
    return client.post(ACCEPT, body, format="json")


def test_acceptance_per_household_makes_it_payable(api, users, plan):
    h1 = make_household(plan, seq=1)
    h2 = make_household(plan, seq=2)
    response = accept(api(users["clerk"]), households=[h1.pk])
    assert response.status_code == 200 and response.json()["accepted"] == 1
    h1.refresh_from_db()
    h2.refresh_from_db()
    assert (h1.status, h1.accepted_on, h1.accepted_by) == ("accepted", date(2021, 10, 20), "山西某第三方评估公司")
    assert h2.status == "completed"


def test_acceptance_per_village_takes_every_household_of_that_village(api, users, plan):
    make_household(plan, seq=1, village="东村")
    make_household(plan, seq=2, village="东村")
    make_household(plan, seq=3, village="西村")
    make_household(plan, "140881", seq=4, village="东村")
    response = accept(api(users["city"]), county="140802", township="解州镇", village="东村")
    assert json_of(response)["accepted"] == 2
    assert sorted(id_of(h) for h in Household.objects.filter(status="accepted")) == sorted(
        [make_id(seq=1), make_id(seq=2)]
    )


def test_a_failed_acceptance_keeps_the_household_unpaid(api, users, plan):
    h = make_household(plan, seq=1)
    expect(accept(api(users["clerk"]), households=[h.pk], result="failed"))
    h.refresh_from_db()
    assert (h.status, h.acceptance_result) == ("completed", "failed")


def test_a_household_not_yet_completed_cannot_be_accepted(api, users, plan):
    h = make_household(plan, seq=1, status="registered", completed_on=None)
    response = accept(api(users["clerk"]), households=[h.pk])
    assert response.status_code == 400 and "尚未完工" in str(response.json()["errors"])
    h.refresh_from_db()
    assert h.status == "registered"


def test_acceptance_dates_must_be_real(api, users, plan):
    h = make_household(plan, seq=1, completed_on=date(2021, 9, 1))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert accept(api(users["clerk"]), households=[h.pk], accepted_on=tomorrow).status_code == 400
    assert accept(api(users["clerk"]), households=[h.pk], accepted_on="2021-08-01").status_code == 400
    assert accept(api(users["clerk"]), households=[h.pk], accepted_by="").status_code == 400


def test_a_clerk_cannot_accept_another_countys_household(api, users, plan):
    other = make_household(plan, "140881", seq=1)
    response = accept(api(users["clerk"]), households=[other.pk])
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == "completed"


def test_read_only_roles_cannot_record_acceptance(api, users, plan):
    h = make_household(plan, seq=1)
    for role in ("finance", "department"):
        assert accept(api(users[role]), households=[h.pk]).status_code == 403


def test_only_accepted_households_can_be_marked_paid_and_only_by_city_office_or_finance(api, users, plan):
    accepted = make_household(plan, seq=1, status="accepted", accepted_on=date(2021, 10, 20))
    completed = make_household(plan, seq=2)
    url = "/api/v1/plans/2021/households/payment/"
    body = {"households": [accepted.pk], "paid_on": "2021-11-30"}
    for role in ("clerk", "department", "norole"):
        assert api(users[role]).post(url, body, format="json").status_code == 403
    both = {"households": [accepted.pk, completed.pk], "paid_on": "2021-11-30"}
    response = api(users["finance"]).post(url, both, format="json")
    assert response.status_code == 400 and "尚未验收" in str(response.json()["errors"])
    early = {"households": [accepted.pk], "paid_on": "2021-10-01"}
    assert api(users["finance"]).post(url, early, format="json").status_code == 400
    assert json_of(api(users["finance"]).post(url, body, format="json")) == {"paid": 1}
    accepted.refresh_from_db()
    assert (accepted.status, accepted.paid_on) == ("paid", date(2021, 11, 30))


def test_a_village_accepts_its_finished_households_and_counts_the_ones_it_skipped(api, users, plan):
    make_household(plan, seq=1, village="东村")
    make_household(plan, seq=2, village="东村")
    make_household(plan, seq=3, village="东村", status="registered", completed_on=None)
    make_household(plan, seq=4, village="东村", completed_on=date(2021, 10, 25))  # after the acceptance date
    response = accept(api(users["city"]), county="140802", township="解州镇", village="东村")
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["skipped"]) == (2, 2)
    assert body["skipped_by_reason"] == {"not_completed": 1, "completed_after": 1}
    assert "1户尚未完工" in body["detail"] and "1户完工日期晚于验收日期" in body["detail"]
    assert sorted(id_of(h) for h in Household.objects.filter(status="accepted")) == sorted(
        [make_id(seq=1), make_id(seq=2)]
    )
    assert Household.objects.filter(status="registered").count() == 1


def test_a_village_with_nothing_finished_is_refused_with_the_reason(api, users, plan):
    make_household(plan, seq=1, village="东村", status="registered", completed_on=None)
    response = accept(api(users["city"]), county="140802", township="解州镇", village="东村")
    assert response.status_code == 400 and "1户尚未完工" in str(response.json()["errors"])
    assert not Household.objects.filter(status="accepted").exists()
