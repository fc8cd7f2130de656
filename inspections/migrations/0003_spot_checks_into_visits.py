"""The roster's desk-entered spot checks (households.SpotCheck / SpotCheckItem) become inspections:
each SpotCheck a CheckBatch with the same id, each item a Visit of that batch (kind inspection).

Every record is kept: ids of the checks, who entered them and when, the free-text inspector and note,
each household's finding (the four codes are the same in both models). A visit's uuid is uuid5 of a
fixed namespace and the item's id, so that running this twice (or on a copy) gives the same uuids;
``visited_at`` is noon in Yuncheng on the day checked (the desk form never asked for a time). No
photos or position: there were none. No rectification is opened for these old findings (they were
entered before rectifications existed and nobody was asked to rectify them).

Reversible: going back rebuilds the SpotCheck rows with their ids and items from the batches' visits
and deletes the batches (and their visits). Forward empties the old tables (households 0007 then
drops them), so that either way a check lives in one place only.
"""

import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import migrations

NAMESPACE = uuid.UUID("419f3438-f2d8-4e5f-9f84-30c4e2842eda")
YUNCHENG = ZoneInfo("Asia/Shanghai")
# households.Finding -> inspections.VisitFinding: the same four codes.
FINDINGS = {"in_use": "in_use", "idle": "idle", "coal_resumed": "coal_resumed", "removed": "removed"}
BACK = {value: key for key, value in FINDINGS.items()}
CHUNK = 2000


def visit_uuid(item_id: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"households.spotcheckitem:{item_id}")


def _reset_sequences(schema_editor, *models):
    # Rows were inserted with their old ids: PostgreSQL's sequence must move past them.
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    SpotCheck = apps.get_model("households", "SpotCheck")
    SpotCheckItem = apps.get_model("households", "SpotCheckItem")
    CheckBatch = apps.get_model("inspections", "CheckBatch")
    Visit = apps.get_model("inspections", "Visit")
    for check in SpotCheck.objects.order_by("pk").iterator(chunk_size=CHUNK):
        batch = CheckBatch.objects.create(
            pk=check.pk,
            plan_id=check.plan_id,
            county_id=check.county_id,
            checked_on=check.checked_on,
            inspector=check.inspector,
            note=check.note,
            created_by_id=check.created_by_id,
        )
        visited_at = datetime.combine(check.checked_on, time(12), tzinfo=YUNCHENG)
        items = SpotCheckItem.objects.filter(spot_check_id=check.pk).order_by("pk")
        Visit.objects.bulk_create(
            [
                Visit(
                    uuid=visit_uuid(item.pk),
                    plan_id=check.plan_id,
                    kind="inspection",
                    batch=batch,
                    household_id=item.household_id,
                    county_id=check.county_id,
                    finding=FINDINGS[item.finding],
                    visited_at=visited_at,
                    created_by_id=check.created_by_id,
                )
                for item in items.iterator(chunk_size=CHUNK)
            ],
            batch_size=CHUNK,
        )
        # auto_now_add stamped today: keep when the check was entered.
        CheckBatch.objects.filter(pk=batch.pk).update(created_at=check.created_at)
        Visit.objects.filter(batch_id=batch.pk).update(created_at=check.created_at)
    _reset_sequences(schema_editor, CheckBatch)
    # Moved, not copied: households 0007 drops the old tables, and going back rebuilds them from here.
    SpotCheckItem.objects.all().delete()
    SpotCheck.objects.all().delete()


def backward(apps, schema_editor):
    SpotCheck = apps.get_model("households", "SpotCheck")
    SpotCheckItem = apps.get_model("households", "SpotCheckItem")
    CheckBatch = apps.get_model("inspections", "CheckBatch")
    Visit = apps.get_model("inspections", "Visit")
    for batch in CheckBatch.objects.order_by("pk").iterator(chunk_size=CHUNK):
        SpotCheck.objects.create(
            pk=batch.pk,
            plan_id=batch.plan_id,
            county_id=batch.county_id,
            checked_on=batch.checked_on,
            inspector=batch.inspector,
            note=batch.note,
            created_by_id=batch.created_by_id,
        )
        SpotCheck.objects.filter(pk=batch.pk).update(created_at=batch.created_at)
        visits = Visit.objects.filter(batch_id=batch.pk).order_by("pk")
        SpotCheckItem.objects.bulk_create(
            [
                SpotCheckItem(spot_check_id=batch.pk, household_id=v.household_id, finding=BACK[v.finding])
                for v in visits.iterator(chunk_size=CHUNK)
            ],
            batch_size=CHUNK,
        )
    Visit.objects.filter(batch__isnull=False).delete()
    CheckBatch.objects.all().delete()
    _reset_sequences(schema_editor, SpotCheck, SpotCheckItem)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0006_roster_export"),
        ("inspections", "0002_check_batch"),
    ]

    operations = [migrations.RunPython(forward, backward)]
