"""The roster import's bulk write: validated rows into the households table in one transaction.

Plain SQL because Django's bulk_create spends most of its time preparing 2 million field values;
every value here was validated by the row parser against the model's rules, and the unique
constraint on (plan, id_number_index) still guards the table. ID and phone numbers are sealed here,
row by row, by households.pii: ciphertext, blind indexes, masked forms; never in clear.

Concurrency: the importer's checks ran on an earlier read, so the write itself must not trust them.
``mode=create`` inserts and lets the unique constraint refuse an ID another import registered
meanwhile (``IntegrityError``); ``mode=update`` upserts with a ``WHERE`` on the conflict update so
that a row held by another county is neither inserted nor updated, counts what was written and
raises ``RowsRefused`` when anything was left out. Either way the transaction is rolled back and
``services.household_import`` reports the rows. Rows are written in ID order so that two imports
with overlapping IDs take their row locks in the same order (a wait, not a deadlock); the order is
that of the blind index, the same for every import.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from operator import attrgetter

from django.db import connection, transaction
from django.utils import timezone

from households import pii, roster_summary
from households.models import Household, HouseholdStatus

BATCH_SIZE = 5000
UPDATE_FIELDS = [
    "township",
    "village",
    "head_name",
    "pii_cipher",
    "phone_index",
    "phone_masked",
    "retrofit_type",
    "area_class",
    "area_m2",
    "completed_on",
    "hardship",
    "note",
    "status",
    "updated_at",
]
# An update never takes a household back from accepted or paid (the import knows nothing of acceptance).
KEEP_STATUSES = (HouseholdStatus.ACCEPTED.value, HouseholdStatus.PAID.value)

# Column order of the bulk insert; checked against the model at import time.
INSERT_FIELDS = (
    "plan",
    "county",
    "township",
    "village",
    "head_name",
    "pii_cipher",
    "id_number_index",
    "phone_index",
    "id_number_masked",
    "phone_masked",
    "retrofit_type",
    "area_class",
    "area_m2",
    "completed_on",
    "hardship",
    "note",
    "status",
    "accepted_on",
    "accepted_by",
    "acceptance_result",
    "paid_on",
    "created_at",
    "updated_at",
)
assert set(INSERT_FIELDS) == {f.name for f in Household._meta.concrete_fields if not f.primary_key}


class RowsRefused(Exception):
    """The upsert left rows out because another county holds their IDs; the transaction is rolled back."""

    def __init__(self, id_indexes: set[str]):
        super().__init__(f"{len(id_indexes)} rows held by another county")
        self.id_indexes = id_indexes


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPE)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _copy_line(v, esc=_COPY_ESCAPE) -> str:
    """One COPY text line of an INSERT_FIELDS tuple; free text escaped, the rest is validated or ours
    (ciphertext is base64, indexes hex, masked numbers digits, * and X)."""
    area = "\\N" if v[12] is None else str(v[12])
    completed = "\\N" if v[13] is None else v[13].isoformat()
    now = _copy_value(v[21])
    return (
        f"{v[0]}\t{v[1]}\t{v[2].translate(esc)}\t{v[3].translate(esc)}\t{v[4].translate(esc)}\t{v[5]}\t{v[6]}\t"
        f"{v[7]}\t{v[8]}\t{v[9]}\t{v[10]}\t{v[11]}\t{area}\t{completed}\t{v[14]}\t{v[15].translate(esc)}\t"
        f"{v[16]}\t\\N\t\t\t\\N\t{now}\t{now}\n"
    )


def _column(name: str) -> str:
    return connection.ops.quote_name(Household._meta.get_field(name).column)


def _conflict_update() -> str:
    """``ON CONFLICT … DO UPDATE`` that only ever touches a household of the importing row's county."""
    table = connection.ops.quote_name(Household._meta.db_table)
    sets = []
    for name in UPDATE_FIELDS:
        column = _column(name)
        if name == "status":
            keep = ", ".join(f"'{s}'" for s in KEEP_STATUSES)
            sets.append(
                f"{column} = CASE WHEN {table}.{column} IN ({keep}) THEN {table}.{column} ELSE EXCLUDED.{column} END"
            )
        else:
            sets.append(f"{column} = EXCLUDED.{column}")
    county = _column("county")
    return (
        f" ON CONFLICT ({_column('plan')}, {_column('id_number_index')}) DO UPDATE SET {', '.join(sets)}"
        f" WHERE {table}.{county} = EXCLUDED.{county}"
    )


def _copy_rows(cursor, batch, *, update: bool) -> int:
    """PostgreSQL: COPY the batch (straight into the table, or into a temporary table for the upsert).

    Returns how many rows were inserted or updated.
    """
    table = connection.ops.quote_name(Household._meta.db_table)
    columns = ", ".join(_column(name) for name in INSERT_FIELDS)
    buffer = io.StringIO()
    buffer.writelines(_copy_line(values) for values in batch)
    buffer.seek(0)
    if not update:
        # The raw cursor's errors are psycopg2's own: wrap them into Django's (IntegrityError, ...).
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        return len(batch)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS households_import ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
    )
    cursor.execute("TRUNCATE households_import")
    with connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY households_import ({columns}) FROM STDIN", buffer)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM households_import "
        f"ORDER BY {_column('id_number_index')}{_conflict_update()}"
    )
    return cursor.rowcount


def _insert_sql(*, update: bool) -> str:
    """SQLite: one parameterised row, run with executemany (the sqlite3 module loops in C)."""
    columns = ", ".join(_column(name) for name in INSERT_FIELDS)
    sql = f"INSERT INTO {connection.ops.quote_name(Household._meta.db_table)} ({columns}) VALUES "
    sql += "(" + ", ".join(["%s"] * len(INSERT_FIELDS)) + ")"
    if update:
        sql += _conflict_update()
    return sql


def _write_batch(cursor, batch, *, update: bool, sql: str) -> int:
    if connection.vendor == "postgresql":
        return _copy_rows(cursor, batch, update=update)
    cursor.executemany(sql, batch)
    return cursor.rowcount


def _held_elsewhere(plan_id: int, batch) -> set[str]:
    """Blind indexes of the batch that the table holds under another county than the row's (read after the upsert)."""
    wanted = {values[6]: values[1] for values in batch}
    return {
        index
        for index, county_id in Household.objects.filter(plan_id=plan_id, id_number_index__in=wanted).values_list(
            "id_number_index", "county_id"
        )
        if wanted[index] != county_id
    }


@transaction.atomic
def roster_write(*, plan_id: int, parsed, update: bool) -> None:
    """Write every parsed row in one transaction: INSERT (create) or the county-guarded upsert (update).

    Raises ``IntegrityError`` (create: an ID registered meanwhile) or ``RowsRefused`` (update: IDs held
    by another county); nothing is written then.
    """
    completed, registered = HouseholdStatus.COMPLETED.value, HouseholdStatus.REGISTERED.value
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = _insert_sql(update=update) if connection.vendor != "postgresql" else ""
    rows = sorted(parsed, key=attrgetter("id_index"))
    sealer, phone_index, mask_id, mask_phone = pii.Sealer(), pii.phone_index, pii.mask_id, pii.mask_phone
    refused: set[str] = set()
    short = False
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = [
                (
                    plan_id,
                    item.county_id,
                    item.township,
                    item.village,
                    item.head_name,
                    sealer.cipher(item.id_number, item.phone),
                    item.id_index,
                    phone_index(item.phone),
                    mask_id(item.id_number),
                    mask_phone(item.phone),
                    item.retrofit_type_id,
                    item.area_class,
                    item.area_m2,
                    item.completed_on,
                    item.hardship,
                    item.note,
                    completed if item.completed_on else registered,
                    None,
                    "",
                    "",
                    None,
                    now,
                    now,
                )
                for item in rows[start : start + BATCH_SIZE]
            ]
            written = _write_batch(cursor, batch, update=update, sql=sql)
            if written != len(batch):
                short = True
                refused |= _held_elsewhere(plan_id, batch)
    if short:
        raise RowsRefused(refused)
    if update:
        roster_summary.summary_recount(plan_id=plan_id, county_ids={item.county_id for item in rows})
    else:
        # Every row was inserted (a conflict would have raised): the summary grows by exactly these rows,
        # without reading the counties' rosters again.
        roster_summary.summary_add(
            plan_id=plan_id,
            rows=(
                (
                    item.county_id,
                    item.retrofit_type_id,
                    item.area_class,
                    completed if item.completed_on else registered,
                    item.completed_on.strftime("%Y-%m") if item.completed_on else "",
                    item.area_m2,
                )
                for item in rows
            ),
        )
