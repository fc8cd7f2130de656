"""ID and phone numbers encrypted in place: new columns filled from the clear ones, verified, clear ones dropped.

Runs with the keys of the environment (PII_KEYS, PII_INDEX_KEY): set them before ``migrate``. Batched
by primary key, so a province-sized roster (a million rows) does not sit in memory. The verification
(every row sealed, the blind index as unique per plan as the ID numbers were, a sample decrypting back
to the original) aborts the migration, and with it the transaction, if anything does not add up.
"""

from django.db import migrations, models
from django.db.models import Count

BATCH = 2000


def encrypt_existing(apps, schema_editor):
    from households import pii

    Household = apps.get_model("households", "Household")
    db = schema_editor.connection.alias
    rows = Household.objects.using(db)
    total = rows.count()
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk").only("pk", "id_number", "phone")[:BATCH])
        if not batch:
            break
        for household in batch:
            id_number = pii.normalise_id(household.id_number)
            for name, value in pii.seal(id_number, household.phone.strip()).items():
                setattr(household, name, value)
        Household.objects.using(db).bulk_update(batch, list(pii.FIELDS), batch_size=500)
        last = batch[-1].pk
    _verify(rows, total, pii)


def _verify(rows, total, pii):
    sealed = rows.exclude(pii_cipher="").exclude(id_number_index=None).count()
    if sealed != total:
        raise RuntimeError(f"encrypting ID numbers: {total} households, {sealed} encrypted")
    for plan_id, ids, indexes in rows.values_list("plan_id").annotate(
        ids=Count("id_number", distinct=True), indexes=Count("id_number_index", distinct=True)
    ):
        if ids != indexes:
            raise RuntimeError(f"plan {plan_id}: {ids} distinct ID numbers but {indexes} distinct indexes")
    for household in rows.order_by("?")[:100]:
        if pii.reveal(household.pii_cipher) != (pii.normalise_id(household.id_number), household.phone.strip()):
            raise RuntimeError(f"household {household.pk} does not decrypt to its ID and phone number")


def decrypt_back(apps, schema_editor):
    from households import pii

    Household = apps.get_model("households", "Household")
    db = schema_editor.connection.alias
    last = 0
    while True:
        batch = list(Household.objects.using(db).filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        for household in batch:
            household.id_number, household.phone = pii.reveal(household.pii_cipher)
        Household.objects.using(db).bulk_update(batch, ["id_number", "phone"], batch_size=500)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0002_household_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="pii_cipher",
            field=models.CharField(blank=True, max_length=128, verbose_name="身份证号及联系电话（SM4密文）"),
        ),
        migrations.AddField(
            model_name="household",
            name="id_number_index",
            field=models.CharField(blank=True, max_length=64, null=True, verbose_name="身份证号索引"),
        ),
        migrations.AddField(
            model_name="household",
            name="phone_index",
            field=models.CharField(blank=True, max_length=64, verbose_name="联系电话索引"),
        ),
        migrations.AddField(
            model_name="household",
            name="id_number_masked",
            field=models.CharField(blank=True, max_length=18, verbose_name="身份证号（脱敏）"),
        ),
        migrations.AddField(
            model_name="household",
            name="phone_masked",
            field=models.CharField(blank=True, max_length=20, verbose_name="联系电话（脱敏）"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back, elidable=False),
        migrations.RemoveConstraint(
            model_name="household",
            name="household_id_number_once_per_plan",
        ),
        migrations.RemoveField(
            model_name="household",
            name="id_number",
        ),
        migrations.RemoveField(
            model_name="household",
            name="phone",
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.UniqueConstraint(fields=("plan", "id_number_index"), name="household_id_index_once_per_plan"),
        ),
        migrations.AddField(
            model_name="exportaudit",
            name="action",
            field=models.CharField(
                choices=[("export", "导出完整身份证号"), ("reveal", "查看完整身份证号"), ("purge", "清除个人信息")],
                default="export",
                max_length=10,
                verbose_name="操作",
            ),
        ),
        migrations.AlterModelOptions(
            name="exportaudit",
            options={
                "ordering": ["-at"],
                "verbose_name": "完整身份证号导出、查看与清除记录",
                "verbose_name_plural": "完整身份证号导出、查看与清除记录",
            },
        ),
    ]
