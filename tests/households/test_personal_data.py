"""Whole ID and phone numbers: never stored in clear anywhere, shown whole only by audited actions."""

import logging

import pytest

from core.pii_keys import Keyring
from households.models import ExportAudit, Household, PersonalDataAction
from tests.households.helpers import (
    HEADERS,
    body_bytes,
    make_household,
    make_id,
    post_import,
    read_xlsx,
    row,
    stored_texts,
    workbook,
)
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db

BASE = "/api/v1/plans/2021/households/"


def reveal(client, household):
    return client.post(f"{BASE}{household.pk}/reveal/")


def test_the_city_office_finance_and_admin_can_show_one_whole_id_and_each_showing_is_recorded(api, users, plan):
    household = make_household(plan, "140881", seq=3, phone="13912345678")
    for role in ("city", "finance", "admin"):
        response = reveal(api(users[role]), household)
        assert response.status_code == 200, response.content
        assert response.json() == {"id": household.pk, "id_number": make_id(seq=3), "phone": "13912345678"}
        assert "no-store" in response["Cache-Control"]
    audits = ExportAudit.objects.filter(action=PersonalDataAction.REVEAL).order_by("pk")
    assert [(a.user.username, a.rows, a.filters) for a in audits] == [
        (name, 1, {"household": household.pk}) for name in ("city", "finance", "admin")
    ]


def test_clerks_and_departments_never_see_a_whole_id(api, users, plan):
    own = make_household(plan, "140802", seq=1)
    for role in ("clerk", "department"):
        assert reveal(api(users[role]), own).status_code == 403
    assert api(users["city"]).get(f"{BASE}{own.pk}/reveal/").status_code == 405
    assert reveal(api(users["city"]), Household(pk=own.pk + 100)).status_code == 404
    assert not ExportAudit.objects.exists()


def test_the_show_whole_id_button_shows_it_on_a_page_and_records_it(web, users, plan):
    household = make_household(plan, seq=5, head_name="张三")
    url = f"/plans/2021/households/{household.pk}/reveal/"
    response = web(users["finance"]).post(url, {"back": "q=张三"})
    html = response.content.decode()
    assert response.status_code == 200 and make_id(seq=5) in html and "张三" in html and "13800000000" in html
    assert "no-store" in response["Cache-Control"] and "/plans/2021/households/?q=" in html
    assert ExportAudit.objects.get().action == "reveal"
    assert web(users["clerk"]).post(url).status_code == 403
    assert web(users["finance"]).get(url).status_code == 405


def test_a_whole_id_typed_into_the_search_is_found_and_kept_masked_in_the_export_record(api, users, plan):
    make_household(plan, seq=1, head_name="张三")
    make_household(plan, seq=2, head_name="李四", phone="13912345678")
    client = api(users["city"])
    assert [r["head_name"] for r in json_of(client.get(BASE, {"q": make_id(seq=2)}))["results"]] == ["李四"]
    assert [r["head_name"] for r in json_of(client.get(BASE, {"q": "13912345678"}))["results"]] == ["李四"]
    exported = read_xlsx(body_bytes(expect(client.get(f"{BASE}export.xlsx", {"q": make_id(seq=2)}))))
    assert [r[4] for r in exported[1:]] == [make_id(seq=2)]
    assert ExportAudit.objects.get().filters == {"q": make_id(seq=2)[:6] + "********" + make_id(seq=2)[-4:]}


def test_a_missing_key_is_a_clear_error_naming_it_not_a_cut_export(api, users, plan, settings):
    household = make_household(plan, seq=1)
    current = settings.PII_KEYRING
    settings.PII_KEYRING = Keyring(current="k9", keys={"k9": bytes(16)}, index_key=current.index_key)
    client = api(users["city"])
    response = client.get(f"{BASE}export.xlsx")
    assert response.status_code == 503
    assert response.json()["code"] == "pii_key_missing" and "'dev'" in response.json()["detail"]
    response = reveal(client, household)
    assert response.status_code == 503 and response.json()["key_id"] == "dev"
    assert not ExportAudit.objects.exists()


# --- nothing stored in clear -----------------------------------------------------------------------


def admin_form(household) -> dict:
    """The household admin's change form, posted with a new name (``django_admin_log`` records the change)."""
    return {
        "plan": household.plan_id,
        "county": household.county_id,
        "township": household.township,
        "village": household.village,
        "head_name": "户主改名",
        "retrofit_type": household.retrofit_type_id,
        "area_class": household.area_class,
        "hardship": household.hardship,
        "status": household.status,
    }


def test_no_table_holds_a_whole_id_or_phone_after_imports_updates_previews_exports_and_audit(
    api, web, users, plan, caplog
):
    caplog.set_level(logging.DEBUG)
    ids = [make_id(seq=n) for n in range(1, 6)] + [make_id(area="142701", seq=9)]
    phones = [f"1391234{n:04d}" for n in range(1, 7)]
    rows = [row(n + 1, id_number=i, phone=p) for n, (i, p) in enumerate(zip(ids, phones, strict=True))]
    clerk, city, finance = api(users["clerk"]), api(users["city"]), api(users["finance"])
    assert post_import(clerk, workbook(rows[:3]), dry_run=True).status_code == 200
    assert post_import(clerk, workbook(rows[:3])).status_code == 201
    assert post_import(clerk, workbook([*rows[:3], row(9, phone="abc")])).status_code == 400
    # Refused rows (a wrong check character, a duplicate in the file) are reported, not stored or logged.
    wrong_check = ids[4][:-1] + ("0" if ids[4][-1] != "0" else "1")
    refused = workbook([row(7, id_number=wrong_check, phone=phones[4]), rows[4], rows[4]])
    assert post_import(clerk, refused, dry_run=True).status_code == 400
    updated = [row(2, id_number=ids[1], phone=phones[1], name="张三丰"), *rows[3:]]
    assert post_import(clerk, workbook(updated), mode="update").status_code == 201
    other_county = workbook([["永济市", *rows[0]]], headers=["县（市、区）", *HEADERS])
    assert post_import(city, other_county, mode="update").status_code == 400
    for client in (clerk, city, finance):
        for query in ({}, {"q": ids[0]}, {"q": phones[1]}):
            assert client.get(BASE, query).status_code == 200
            assert client.get(f"{BASE}export.xlsx", query).status_code == 200
    household = Household.objects.first()
    assert reveal(city, household).status_code == 200
    assert web(users["finance"]).post(f"/plans/2021/households/{household.pk}/reveal/").status_code == 200
    spot = {"county": "140802", "checked_on": "2021-12-01", "inspector": "督查组", "items": []}
    spot["items"] = [{"id_number": ids[2], "finding": "idle"}]
    assert city.post("/api/v1/plans/2021/spot-checks/", spot, format="json").status_code == 201
    spot["items"] = [{"id_number": make_id(seq=99), "finding": "idle"}]
    assert city.post("/api/v1/plans/2021/spot-checks/", spot, format="json").status_code == 400
    # The household is not accepted yet: the payment is refused, and the refusal logs no ID either.
    payment = finance.post(f"{BASE}payment/", {"households": [household.pk], "paid_on": "2021-12-01"}, format="json")
    assert "尚未验收合格" in str(json_of(payment, 400))
    settlement = finance.post("/api/v1/plans/2021/subsidies/settlements/", {"period": "2021-10"}, format="json")
    assert settlement.status_code == 201, settlement.content
    page = web(users["city"])
    assert page.get("/plans/2021/households/", {"q": ids[1]}).status_code == 200
    assert page.get("/plans/2021/households/", {"q": phones[1], "format": "xlsx"}).status_code == 200
    admin = web(users["admin"])
    assert admin.get("/admin/households/household/", {"q": ids[3]}).status_code == 200
    assert admin.post(f"/admin/households/household/{household.pk}/change/", admin_form(household)).status_code == 302
    assert ExportAudit.objects.filter(action="export").count() == 7
    assert Household.objects.count() == 6

    secrets = ids + [i.lower() for i in ids] + phones + [wrong_check]
    texts = list(stored_texts())
    # The scan reads what it should: the updated name, the masked numbers, the sessions, the workbook.
    assert any(table == "households_household" and text == "张三丰" for table, text in texts)
    assert any(text == ids[0][:6] + "********" + ids[0][-4:] for _table, text in texts)
    assert any(table == "django_session" and "_auth_user_id" in text for table, text in texts)
    assert any(table == "subsidies_settlement" and "<worksheet" in text for table, text in texts)
    security_log = [text for table, text in texts if table == "accounts_securityevent"]
    assert "whole_id_export" in security_log and "whole_id_view" in security_log
    assert any(ids[0][:6] + "********" in text for text in security_log)  # the export's search, masked
    assert any(table == "django_admin_log" and "户主改名" in text for table, text in texts)
    assert any(table == "inspections_checkbatch" and text == "督查组" for table, text in texts)
    leaks = [(table, secret) for table, text in texts for secret in secrets if secret in text]
    assert leaks == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [secret for secret in secrets if secret in logged]
