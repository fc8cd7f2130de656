"""Migration 0003 encrypts an existing roster in place and verifies it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from households import pii
from tests.households.helpers import make_id

BEFORE = [("households", "0002_household_fewer_indexes")]
AFTER = [("households", "0003_encrypt_personal_numbers")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_clear_numbers_are_encrypted_indexed_masked_and_the_clear_columns_dropped():
    old = migrate(BEFORE)
    try:
        from tests.conftest import load_2021_plan

        load_2021_plan()
        Plan, County, RetrofitType = (old.get_model("counties", m) for m in ("Plan", "County", "RetrofitType"))
        Household = old.get_model("households", "Household")
        plan, kind = Plan.objects.get(year=2021), RetrofitType.objects.get(code="coal_to_electric")
        counties = list(County.objects.filter(code__in=["140802", "140881"]))
        people = [
            (make_id(birth=f"{1950 + n // 999}0101", seq=n % 999 + 1), f"1390000{n:04d}" if n % 3 else "")
            for n in range(2500)
        ]
        people[7] = (people[7][0].lower(), " 13812345678 ")  # as an older import may have kept them
        Household.objects.bulk_create(
            Household(
                plan=plan,
                county=counties[n % 2],
                township="解州镇",
                village="东村",
                head_name=f"户主{n}",
                id_number=id_number,
                phone=phone,
                retrofit_type=kind,
                area_class="rural",
            )
            for n, (id_number, phone) in enumerate(people)
        )

        new = migrate(AFTER)
        migrated = new.get_model("households", "Household")
        columns = {
            c.name for c in connection.introspection.get_table_description(connection.cursor(), "households_household")
        }
        assert "id_number" not in columns and "phone" not in columns
        rows = list(migrated.objects.order_by("head_name").values("head_name", *pii.FIELDS))
        assert len(rows) == 2500
        by_name = {r["head_name"]: r for r in rows}
        for n, (id_number, phone) in enumerate(people):
            stored = by_name[f"户主{n}"]
            assert pii.reveal(stored["pii_cipher"]) == (id_number.upper(), phone.strip())
            assert stored["id_number_index"] == pii.id_index(id_number.upper())
            assert stored["id_number_masked"] == pii.mask_id(id_number.upper())
        assert len({r["id_number_index"] for r in rows}) == 2500
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
