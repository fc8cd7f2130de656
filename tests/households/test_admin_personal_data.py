"""The Django admin never shows a whole ID or phone number: it is not one of the audited ways to see them."""

import pytest

from accounts.models import SecurityEvent
from households import pii
from households.models import ExportAudit, Household
from tests.households.helpers import make_household, make_id
from tests.http import html_of

pytestmark = pytest.mark.django_db

CHANGE = "/admin/households/household/{pk}/change/"
CHANGELIST = "/admin/households/household/"
PHONE = "13912345678"


def test_the_household_change_form_shows_the_masked_numbers_and_no_field_holding_the_whole_ones(web, users, plan):
    household = make_household(plan, seq=7, head_name="王五", phone=PHONE)
    response = web(users["admin"]).get(CHANGE.format(pk=household.pk))
    html = response.content.decode()
    assert response.status_code == 200 and "王五" in html
    assert make_id(seq=7)[:6] + "********" + make_id(seq=7)[-4:] in html and "139****5678" in html
    assert make_id(seq=7) not in html and PHONE not in html
    for stored in ("pii_cipher", "id_number_index", "phone_index"):
        assert f'name="{stored}"' not in html
    assert household.pii_cipher not in html and household.id_number_index not in html
    # Nothing whole was shown, so nothing is recorded as shown.
    assert not ExportAudit.objects.exists() and not SecurityEvent.objects.filter(kind__startswith="whole_id").exists()


def test_saving_the_change_form_keeps_the_encrypted_numbers_as_they_were(web, users, plan):
    household = make_household(plan, seq=8, head_name="王五", phone=PHONE)
    before = {name: getattr(household, name) for name in pii.FIELDS}
    form = {
        "plan": plan.pk,
        "county": household.county_id,
        "township": household.township,
        "village": household.village,
        "head_name": "王五六",
        "retrofit_type": household.retrofit_type_id,
        "area_class": household.area_class,
        "completed_on": "2021-09-01",
        "hardship": household.hardship,
        "status": household.status,
        "_save": "Save",
    }
    response = web(users["admin"]).post(CHANGE.format(pk=household.pk), form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    household.refresh_from_db()
    assert household.head_name == "王五六"
    assert {name: getattr(household, name) for name in pii.FIELDS} == before
    assert pii.reveal(household.pii_cipher) == (make_id(seq=8), PHONE)


def test_a_whole_id_or_phone_typed_into_the_admin_search_finds_the_household_through_the_blind_index(web, users, plan):
    make_household(plan, seq=1, head_name="张三")
    make_household(plan, seq=2, head_name="李四", phone=PHONE)
    client = web(users["admin"])
    for term in (make_id(seq=2), PHONE, "李四"):
        html = html_of(client.get(CHANGELIST, {"q": term}))
        assert "李四" in html and "张三" not in html, term
    listed = html_of(client.get(CHANGELIST))
    assert make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:] in listed and make_id(seq=1) not in listed


def test_only_administrators_reach_the_household_admin(web, users, plan):
    household = make_household(plan, seq=3)
    for role in ("city", "finance", "clerk", "department"):
        response = web(users[role]).get(CHANGE.format(pk=household.pk))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
    assert Household.objects.count() == 1
