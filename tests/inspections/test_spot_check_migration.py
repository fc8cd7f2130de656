"""Migration inspections 0003 moves every desk-entered spot check into the inspections model, and back."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.households.helpers import make_id

BEFORE = [("households", "0007_index_key_fingerprint"), ("inspections", "0002_check_batch")]
AFTER = [("inspections", "0003_spot_checks_into_visits")]
FINDINGS = ["in_use", "idle", "coal_resumed", "removed"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def build_old_rows(old):
    from tests.conftest import load_2021_plan

    load_2021_plan()
    Plan, County, RetrofitType = (old.get_model("counties", m) for m in ("Plan", "County", "RetrofitType"))
    User = old.get_model(*settings.AUTH_USER_MODEL.split("."))
    Household = old.get_model("households", "Household")
    SpotCheck, SpotCheckItem = (old.get_model("households", m) for m in ("SpotCheck", "SpotCheckItem"))
    plan, kind = Plan.objects.get(year=2021), RetrofitType.objects.get(code="coal_to_electric")
    counties = list(County.objects.filter(code__in=["140802", "140881"]).order_by("code"))
    recorder = User.objects.create(username="recorder-old")
    households = Household.objects.bulk_create(
        Household(
            plan=plan,
            county=counties[n % 2],
            township="解州镇",
            village="东村",
            head_name=f"户主{n}",
            id_number_masked=make_id(seq=n + 1)[:6] + "********",
            retrofit_type=kind,
            area_class="rural",
        )
        for n in range(30)
    )
    expected = {}  # item id -> (check id, household id, finding, county id, checked_on, created_by id)
    for c in range(6):
        county = counties[c % 2]
        check = SpotCheck.objects.create(
            plan=plan,
            county=county,
            checked_on=date(2021, 11, 1) + timedelta(days=c),
            inspector=f"督查组{c}",
            note=f"第{c}次" if c % 2 else "",
            created_by=recorder,
        )
        mine = [h for h in households if h.county_id == county.pk][c : c + 4]
        for n, household in enumerate(mine):
            item = SpotCheckItem.objects.create(
                spot_check=check, household=household, finding=FINDINGS[(c + n) % len(FINDINGS)]
            )
            expected[item.pk] = (check.pk, household.pk, item.finding, county.pk, check.checked_on, recorder.pk)
    return expected


@pytest.mark.django_db(transaction=True)
def test_every_desk_spot_check_item_becomes_a_visit_of_a_batch_with_the_checks_id_and_back():
    old = migrate(BEFORE)
    try:
        expected = build_old_rows(old)
        checks = {
            c.pk: (c.county_id, c.checked_on, c.inspector, c.note, c.created_at)
            for c in old.get_model("households", "SpotCheck").objects.all()
        }
        assert len(expected) == 24 and len(checks) == 6

        new = migrate(AFTER)
        CheckBatch, Visit = new.get_model("inspections", "CheckBatch"), new.get_model("inspections", "Visit")
        batches = {
            b.pk: (b.county_id, b.checked_on, b.inspector, b.note, b.created_at) for b in CheckBatch.objects.all()
        }
        assert batches == checks
        assert new.get_model("households", "SpotCheckItem").objects.count() == 0  # moved, not copied
        visits = list(Visit.objects.all())
        assert len(visits) == len(expected)
        namespace = uuid.UUID("419f3438-f2d8-4e5f-9f84-30c4e2842eda")
        by_uuid = {v.uuid: v for v in visits}
        for item_id, (check_id, household_id, finding, county_id, checked_on, recorder_id) in expected.items():
            visit = by_uuid[uuid.uuid5(namespace, f"households.spotcheckitem:{item_id}")]
            assert (visit.batch_id, visit.household_id, visit.finding, visit.county_id) == (
                check_id,
                household_id,
                finding,
                county_id,
            )
            assert (visit.kind, visit.sample_id, visit.created_by_id) == ("inspection", None, recorder_id)
            # Noon in Yuncheng (UTC+8) on the day checked is 04:00 UTC.
            noon = datetime(checked_on.year, checked_on.month, checked_on.day, 4, tzinfo=UTC)
            assert visit.visited_at == noon
            assert visit.latitude is None and visit.longitude is None
        # The ids were kept: a batch entered after the migration gets a new one (the sequence moved on).
        first = CheckBatch.objects.order_by("pk").first()
        later = CheckBatch.objects.create(
            plan_id=first.plan_id,
            county_id=first.county_id,
            checked_on=date(2021, 12, 1),
            inspector="新",
            created_by_id=first.created_by_id,
        )
        assert later.pk > max(checks)
        later.delete()

        back = migrate(BEFORE)
        SpotCheck, SpotCheckItem = (back.get_model("households", m) for m in ("SpotCheck", "SpotCheckItem"))
        restored = {
            c.pk: (c.county_id, c.checked_on, c.inspector, c.note, c.created_at) for c in SpotCheck.objects.all()
        }
        assert restored == checks
        items = sorted(SpotCheckItem.objects.values_list("spot_check_id", "household_id", "finding"))
        assert items == sorted((e[0], e[1], e[2]) for e in expected.values())
        assert back.get_model("inspections", "Visit").objects.count() == 0
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
