"""The roster's order served by an index, and (PostgreSQL only) indexes for the roster search.

Substring search (``q`` of three characters or more: ``UPPER(col) LIKE '%q%'``) is served by pg_trgm
GIN indexes on the same UPPER() expression Django's ``icontains`` writes. Trigrams need three
characters, so a one- or two-character ``q`` (a surname, a two-character name or village) is a prefix
match (``col LIKE 'q%'``), served by btree indexes with ``varchar_pattern_ops`` after ``plan_id``.
SQLite has neither: it migrates without them and searches by scanning, correct but not fast.
"""

from django.db import migrations, models

SEARCH_COLUMNS = ("head_name", "village", "township")


def _create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCH_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS household_{column}_trgm "
            f"ON households_household USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS household_{column}_prefix "
            f"ON households_household (plan_id, {column} varchar_pattern_ops)"
        )


def _drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCH_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS household_{column}_trgm")
        schema_editor.execute(f"DROP INDEX IF EXISTS household_{column}_prefix")


class Migration(migrations.Migration):
    dependencies = [
        ("counties", "0002_profile_counties"),
        ("households", "0003_encrypt_personal_numbers"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="household",
            options={
                "ordering": ["county_id", "township", "village", "id"],
                "verbose_name": "改造户",
                "verbose_name_plural": "改造户",
            },
        ),
        migrations.RemoveIndex(
            model_name="household",
            name="households__plan_id_677afd_idx",
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["plan", "county", "township", "village", "id"], name="household_roster_order"),
        ),
        migrations.RunPython(_create_search_indexes, _drop_search_indexes, elidable=False),
    ]
