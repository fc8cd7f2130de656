"""rotate_pii_key and purge_personal_data."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.pii_keys import Keyring
from households import pii
from households.models import ExportAudit, Household
from households.selectors import payable_by_county, reconciliation
from tests.households.helpers import make_household, make_id

pytestmark = pytest.mark.django_db

OLD, NEW = bytes(range(16)), bytes(range(32, 48))


def ring(current, **keys):
    return Keyring(current=current, keys=keys, index_key=bytes(range(32)))


def rotate(**options):
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def old_roster(plan, settings):
    settings.PII_KEYRING = ring("old", old=OLD)
    # This roster's index key, not the one the test database was migrated with, is the database's own.
    pii.index_key_fingerprint_record()
    households = [make_household(plan, seq=n, phone=f"1390000{n:04d}" if n % 2 else "") for n in range(1, 8)]
    settings.PII_KEYRING = ring("new", old=OLD, new=NEW)
    return households


def stored():
    return dict(Household.objects.values_list("pk", "pii_cipher"))


def test_rotation_re_encrypts_every_value_under_the_current_key_so_the_old_key_can_be_dropped(old_roster, settings):
    indexes = dict(Household.objects.values_list("pk", "id_number_index"))
    out = rotate(batch_size=3)
    assert "re-encrypted 3/7" in out and "re-encrypted 7/7" in out and "'old'" in out
    assert all(token.startswith("new:") for token in stored().values())
    settings.PII_KEYRING = ring("new", new=NEW)
    expected = {h.pk: (make_id(seq=n), f"1390000{n:04d}" if n % 2 else "") for n, h in enumerate(old_roster, 1)}
    assert {pk: pii.reveal(token) for pk, token in stored().items()} == expected
    assert dict(Household.objects.values_list("pk", "id_number_index")) == indexes
    assert "values per key: 'new': 7" in rotate(status=True)


def test_an_interrupted_rotation_keeps_its_batches_and_the_next_run_finishes(old_roster, settings, monkeypatch):
    real = pii.reencrypt
    calls = []

    def failing(token):
        calls.append(token)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(token)

    monkeypatch.setattr(pii, "reencrypt", failing)
    with pytest.raises(KeyboardInterrupt, match="^$"):
        rotate(batch_size=2)
    monkeypatch.setattr(pii, "reencrypt", real)
    prefixes = sorted(token.split(":")[0] for token in stored().values())
    assert prefixes == ["new"] * 4 + ["old"] * 3
    out = rotate(batch_size=2)
    assert "re-encrypted 3/3" in out
    settings.PII_KEYRING = ring("new", new=NEW)
    assert sorted(pii.reveal(token)[0] for token in stored().values()) == sorted(make_id(seq=n) for n in range(1, 8))


def test_rotation_refuses_to_start_when_a_stored_key_is_missing(old_roster, settings):
    settings.PII_KEYRING = ring("new", new=NEW)
    with pytest.raises(CommandError, match="'old'"):
        rotate()


# --- purge -----------------------------------------------------------------------------------------


@pytest.fixture
def closed_roster(plan, users):
    make_household(plan, seq=1, status="paid", paid_on=date(2021, 12, 1), accepted_on=date(2021, 11, 1))
    make_household(plan, seq=2, status="accepted", accepted_on=date(2021, 11, 1), area_class="urban")
    make_household(
        plan,
        "140881",
        "building_retrofit",
        seq=3,
        status="accepted",
        accepted_on=date(2021, 11, 2),
        area_m2=Decimal("120.50"),
    )
    make_household(plan, "140881", seq=4, status="completed", village="西村")
    return plan


def purge(*args, **options):
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out, **options)
    return out.getvalue()


KEPT = (
    "county_id",
    "township",
    "village",
    "retrofit_type_id",
    "area_class",
    "area_m2",
    "completed_on",
    "status",
    "accepted_on",
    "paid_on",
)


def test_purge_clears_names_and_numbers_and_keeps_every_total(closed_roster, users, settings):
    settings.PII_RETENTION_DAYS = 365
    plan = closed_roster
    before = {
        "rows": list(Household.objects.order_by("pk").values(*KEPT)),
        "payable": payable_by_county(user=users["city"], plan=plan),
        "reconciliation": [
            {k: v for k, v in r.items() if k not in ("county", "retrofit_type")}
            for r in reconciliation(user=users["city"], plan=plan)["rows"]
        ],
    }
    assert sum(p["total"] for p in before["payable"]) > 0
    out = purge(plan=2021, user="city", yes=True)
    assert "cleared the personal data of 4 households" in out
    after = {
        "rows": list(Household.objects.order_by("pk").values(*KEPT)),
        "payable": payable_by_county(user=users["city"], plan=plan),
        "reconciliation": [
            {k: v for k, v in r.items() if k not in ("county", "retrofit_type")}
            for r in reconciliation(user=users["city"], plan=plan)["rows"]
        ],
    }
    assert after == before
    for household in Household.objects.all():
        assert household.head_name == "" and household.pii_cipher == "" and household.id_number_index is None
        assert (household.phone_index, household.id_number_masked, household.phone_masked) == ("", "", "")
    audit = ExportAudit.objects.get()
    assert (audit.action, audit.user.username, audit.rows) == ("purge", "city", 4)


def test_purge_is_refused_before_the_retention_period_and_without_confirmation(
    closed_roster, users, settings, monkeypatch
):
    settings.PII_RETENTION_DAYS = 100_000
    with pytest.raises(CommandError, match="须保留至"):
        purge(plan=2021, user="city", yes=True)
    settings.PII_RETENTION_DAYS = 0
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    with pytest.raises(CommandError, match="not confirmed"):
        purge(plan=2021, user="city")
    with pytest.raises(CommandError, match="neither"):
        purge(plan=2021, user="clerk-140802", yes=True)
    assert Household.objects.exclude(head_name="").count() == 4 and not ExportAudit.objects.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "2021")
    assert "4 households" in purge(plan=2021, user="admin")
