"""Samples nobody can cherry-pick: a seeded draw anyone can re-run, frozen once drawn."""

import math
import random
from datetime import date

import pytest

from counties.models import County, RetrofitType
from households import pii
from households.models import Household, HouseholdStatus
from inspections.models import Sample
from tests.households.helpers import make_id
from tests.http import json_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/2021/inspections/samples/"


def draw(api, user, **body):
    payload = {"counties": ["140802"], "rate": "0.05", "minimum": 10, "status": "completed", **body}
    return api(user).post(URL, payload, format="json")


def test_the_city_office_draws_a_sample_with_the_contracts_shape(api, field_users, roster):
    response = draw(api, field_users["city"], seed="abc")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "seed", "count", "households"} <= set(body)
    assert body["seed"] == "abc"
    # 30 completed households in 盐湖区: ceil(5 % of 30) = 2 < minimum 10, so 10.
    assert body["count"] == 10 == len(body["households"])
    completed_yuhu = {
        pk for pk, h in roster.items() if h.county.code == "140802" and h.status == HouseholdStatus.COMPLETED
    }
    assert set(body["households"]) <= completed_yuhu


def test_the_same_seed_and_roster_give_the_same_households(api, field_users, roster):
    first = json_of(draw(api, field_users["city"], seed="2021-12-01 督查"), 201)
    second = json_of(draw(api, field_users["city"], seed="2021-12-01 督查"), 201)
    assert first["households"] == second["households"]
    other = json_of(draw(api, field_users["city"], seed="another seed"), 201)
    assert other["households"] != first["households"]


def test_the_draw_is_python_random_sample_per_county_with_the_documented_seed_string(api, field_users, roster):
    # Recomputed here from the documented rule: random.Random("<seed>|<county code>|*").sample(sorted ids, n).
    body = json_of(draw(api, field_users["city"], seed="s1", counties=["140802", "140881"], rate="0.2", minimum=0), 201)
    expected = []
    for code in ("140802", "140881"):
        ids = sorted(pk for pk, h in roster.items() if h.county.code == code and h.status == "completed")
        n = math.ceil(len(ids) * 0.2)
        expected += random.Random(f"s1|{code}|*").sample(ids, n)
    assert body["households"] == sorted(expected)


def test_a_stratified_draw_shares_the_county_number_over_types_in_proportion(api, field_users, roster):
    body = json_of(draw(api, field_users["city"], seed="s", rate="0.3", minimum=0, stratify=True), 201)
    # 30 households → 9; 20 coal_to_electric and 10 coal_to_gas → 6 and 3.
    chosen = [roster[pk].retrofit_type.code for pk in body["households"]]
    assert body["count"] == 9
    assert chosen.count("coal_to_electric") == 6 and chosen.count("coal_to_gas") == 3


def test_without_a_seed_the_draw_time_is_the_seed_and_verify_matches(api, field_users, roster):
    body = json_of(draw(api, field_users["city"]), 201)
    sample = Sample.objects.get(pk=body["id"])
    assert body["seed"] == sample.created_at.isoformat()
    verify = api(field_users["city"]).get(f"{URL}{body['id']}/verify/")
    assert verify.status_code == 200
    assert verify.json()["matches"] is True


def test_a_changed_roster_no_longer_matches_and_the_sample_stays_frozen(api, field_users, roster, plan):
    body = json_of(draw(api, field_users["city"], seed="freeze"), 201)
    Household.objects.create(
        plan=plan,
        county=County.objects.get(code="140802"),
        township="解州镇",
        village="东村",
        head_name="新登记户",
        **pii.seal(make_id(area="140802", seq=900)),
        retrofit_type=RetrofitType.objects.get(code="coal_to_electric"),
        area_class="rural",
        completed_on=date(2021, 10, 1),
        status=HouseholdStatus.COMPLETED,
    )
    verify = json_of(api(field_users["city"]).get(f"{URL}{body['id']}/verify/"))
    assert verify == {"matches": False, "roster_unchanged": False}
    detail = json_of(api(field_users["city"]).get(f"{URL}{body['id']}/"))
    assert detail["households"] == body["households"]
    assert detail["progress"] == {"sampled": 10, "visited": 0, "not_visited": 10}


def test_altered_stored_households_do_not_match_although_the_roster_is_unchanged(api, field_users, roster):
    body = json_of(draw(api, field_users["city"], seed="tamper"), 201)
    sample = Sample.objects.get(pk=body["id"])
    sample.entries.first().delete()
    assert json_of(api(field_users["city"]).get(f"{URL}{body['id']}/verify/")) == {
        "matches": False,
        "roster_unchanged": True,
    }


@pytest.mark.parametrize(
    "body, field",
    [
        ({"rate": "0"}, "rate"),
        ({"rate": "1.5"}, "rate"),
        ({"minimum": -1}, "minimum"),
        ({"status": "registered"}, "status"),
        ({"counties": ["999999"]}, "counties"),
        ({"inspectors": ["city"]}, "inspectors"),
    ],
)
def test_bad_draw_parameters_are_a_400_naming_the_field_and_nothing_is_drawn(api, field_users, roster, body, field):
    response = draw(api, field_users["city"], **body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Sample.objects.exists()


def test_samples_are_assigned_to_inspectors(api, field_users, roster):
    body = json_of(draw(api, field_users["city"], seed="x"), 201)
    assert json_of(api(field_users["inspector"]).get(URL))["count"] == 0
    response = api(field_users["city"]).post(f"{URL}{body['id']}/assign/", {"inspectors": ["inspector"]}, format="json")
    assert response.status_code == 200
    listed = json_of(api(field_users["inspector"]).get(URL))
    assert [s["id"] for s in listed["results"]] == [body["id"]]
