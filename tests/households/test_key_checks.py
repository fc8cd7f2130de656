"""The PII keys are checked against the database: a changed index key is refused at start-up, and every
read that cannot decrypt answers 503 naming the problem (the whole-ID export as well as reveal)."""

import hashlib

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError

from core.pii_keys import Keyring
from households import pii
from households.models import ExportAudit, Household, IndexKeyFingerprint
from households.personal_data import index_key_agrees_with_data
from tests.households.helpers import body_bytes, make_household, make_id, read_xlsx
from tests.http import expect

pytestmark = pytest.mark.django_db

BASE = "/api/v1/plans/2021/households/"
OTHER_INDEX_KEY = hashlib.sha256(b"another index key").digest()


def key_errors():
    return [e for e in checks.run_checks(tags=["pii"]) if e.id == "households.E050"]


def test_migrate_records_the_index_keys_fingerprint_and_never_the_key(settings):
    stored = IndexKeyFingerprint.objects.get(pk=1).fingerprint
    assert stored == pii.index_key_fingerprint() and len(stored) == 64
    assert settings.PII_KEYRING.index_key.hex() not in stored
    assert pii.index_key_check() is None and key_errors() == []


def test_a_changed_index_key_is_a_system_check_error_saying_so(settings):
    keyring = settings.PII_KEYRING
    settings.PII_KEYRING = Keyring(current=keyring.current, keys=keyring.keys, index_key=OTHER_INDEX_KEY)
    (error,) = key_errors()
    assert "PII_INDEX_KEY" in error.msg and "指纹不符" in error.msg and "PII_INDEX_KEY differs" in error.hint
    assert "PII_INDEX_KEY" in pii.index_key_check()


def test_rotate_pii_key_refuses_a_changed_index_key_and_reindex_is_the_way_to_change_it(plan, settings):
    household = make_household(plan, seq=4)
    keyring = settings.PII_KEYRING
    settings.PII_KEYRING = Keyring(current=keyring.current, keys=keyring.keys, index_key=OTHER_INDEX_KEY)
    with pytest.raises(CommandError, match="--reindex"):
        call_command("rotate_pii_key")
    assert index_key_agrees_with_data() is False
    call_command("rotate_pii_key", "--reindex")
    assert key_errors() == [] and index_key_agrees_with_data() is True
    household.refresh_from_db()
    assert pii.search_terms(make_id(seq=4))[0] == household.id_number_index


def with_other_bytes_under_the_same_id(settings):
    keyring = settings.PII_KEYRING
    settings.PII_KEYRING = Keyring(
        current=keyring.current, keys={keyring.current: bytes(16)}, index_key=keyring.index_key
    )


def test_key_bytes_changed_under_the_same_id_make_export_and_reveal_503_pii_unreadable(api, users, plan, settings):
    household = make_household(plan, seq=1)
    client = api(users["city"])
    assert read_xlsx(body_bytes(expect(client.get(f"{BASE}export.xlsx"))))[1][4] == make_id(seq=1)
    ExportAudit.objects.all().delete()
    with_other_bytes_under_the_same_id(settings)
    response = client.get(f"{BASE}export.xlsx")
    assert response.status_code == 503
    assert response.json()["code"] == "pii_unreadable" and response.json()["key_id"] == "dev"
    response = client.post(f"{BASE}{household.pk}/reveal/")
    assert response.status_code == 503 and response.json()["code"] == "pii_unreadable"
    assert not ExportAudit.objects.exists()


def test_the_pages_answer_a_chinese_503_page_not_a_500(web, users, plan, settings):
    household = make_household(plan, seq=2)
    with_other_bytes_under_the_same_id(settings)
    client = web(users["city"])
    response = client.get("/plans/2021/households/", {"format": "xlsx"})
    assert response.status_code == 503 and "无法用密钥 dev 解密" in response.content.decode()
    response = client.post(f"/plans/2021/households/{household.pk}/reveal/")
    assert response.status_code == 503 and 'data-code="pii_unreadable"' in response.content.decode()
    settings.PII_KEYRING = Keyring(current="k9", keys={"k9": bytes(16)}, index_key=settings.PII_KEYRING.index_key)
    response = client.post(f"/plans/2021/households/{household.pk}/reveal/")
    assert response.status_code == 503 and "密钥 dev 未配置" in response.content.decode()
    assert Household.objects.count() == 1 and not ExportAudit.objects.exists()
