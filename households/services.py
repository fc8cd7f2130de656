"""Writes to the roster. Every function validates everything first and writes in one transaction."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County, Plan, RetrofitType
from counties.selectors import require_role
from households import importer
from households.idnumber import mask_id, normalise_id
from households.models import (
    AcceptanceResult,
    ExportAudit,
    Finding,
    Household,
    HouseholdStatus,
    SpotCheck,
    SpotCheckItem,
)
from households.selectors import PAYMENT_ROLES, households_for_user, require_writer, sees_whole_ids

BATCH_SIZE = 5000
PREVIEW_ROWS = 20
UPDATE_FIELDS = [
    "township",
    "village",
    "head_name",
    "phone",
    "retrofit_type",
    "area_class",
    "area_m2",
    "completed_on",
    "hardship",
    "note",
    "status",
    "updated_at",
]


class ImportMode:
    CREATE = "create"
    UPDATE = "update"


@dataclass
class ImportResult:
    mode: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[importer.Problem] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _lookup_maps():
    types = {}
    for t in RetrofitType.objects.all():
        types[t.code] = t
        types[t.name] = t
    counties = {}
    for c in County.objects.all():
        counties[c.code] = c
        counties[c.name] = c
    return types, counties


def household_import(
    *,
    user,
    plan: Plan,
    fileobj,
    size: int,
    mode: str = ImportMode.CREATE,
    dry_run: bool = False,
    county_code: str = "",
    today: date | None = None,
) -> ImportResult:
    """Validate a roster workbook in memory; unless ``dry_run`` or any problem, write it in one transaction.

    A clerk imports for its own county; the city office for the county given by ``county_code`` or
    by a 县（市、区） column. ``mode=create`` refuses IDs already on the plan's roster; ``mode=update``
    updates the county's own households matched by ID and creates the rest. An ID registered in
    another county is always a problem, reported without that household's details.
    Raises ``importer.ImportFileError`` for an unreadable upload, ``PermissionDenied`` for read-only roles.
    Field rules are those of ``Household`` (lengths, choices, decimals), checked row by row by
    ``importer.RowParser`` instead of 100,000 ``full_clean()`` calls.
    """
    scope = require_writer(user)
    if mode not in (ImportMode.CREATE, ImportMode.UPDATE):
        raise ValidationError({"mode": [_("导入方式应为 create（新增）或 update（更新）。")]})
    today = today or timezone.localdate()
    fixed_county_id = None
    if scope.is_clerk:
        fixed_county_id = scope.county_id
        if county_code and County.objects.filter(code=county_code).exclude(pk=scope.county_id).exists():
            raise PermissionDenied(_("只能导入本县（市、区）的改造户。"))
    elif county_code:
        county = County.objects.filter(code=county_code).first()
        if county is None:
            raise ValidationError({"county": [_("未知的县（市、区）代码。")]})
        fixed_county_id = county.pk

    header, rows = importer.open_rows(fileobj, size)
    positions = importer.header_positions(header)
    result = ImportResult(mode=mode, dry_run=dry_run)
    missing = [name for name in importer.REQUIRED if name not in positions]
    if missing:
        result.problems = [
            importer.Problem(1, name, _("缺少“%(name)s”列，请使用下载的模板。") % {"name": name}) for name in missing
        ]
        return result

    types, counties = _lookup_maps()
    parser = importer.RowParser(
        positions=positions,
        types=types,
        counties=counties,
        fixed_county_id=fixed_county_id,
        allowed_county_ids=scope.county_ids,
        today=today,
    )
    # Every ID already on the plan's roster -> (county id, status); one query, a few MB per 100,000.
    existing = {
        id_number: (county_id, status)
        for id_number, county_id, status in Household.objects.filter(plan=plan)
        .values_list("id_number", "county_id", "status")
        .iterator(chunk_size=5000)
    }
    seen: dict[str, int] = {}
    parsed: list[importer.ParsedRow] = []
    problems = result.problems
    for row_number, values in rows:
        if importer.is_blank(values):
            continue
        result.rows += 1
        if result.rows > importer.MAX_ROWS:
            raise importer.ImportFileError(
                "too_many_rows", _("数据超过上限 %(max)d 行。请拆分后分批导入。") % {"max": importer.MAX_ROWS}
            )
        item, row_problems = parser.parse(row_number, values)
        id_number = item.id_number if item else ""
        if not id_number and not item:
            # The ID may still be valid when other cells are wrong: check duplicates anyway.
            raw = parser.cell(values, importer.ID_NUMBER)
            if isinstance(raw, str) and not any(p.column == importer.ID_NUMBER for p in row_problems):
                id_number = normalise_id(raw)
        if id_number:
            first = seen.get(id_number)
            if first is not None:
                row_problems.append(
                    importer.Problem(
                        row_number, importer.ID_NUMBER, _("与第%(row)d行的身份证号重复。") % {"row": first}
                    )
                )
            else:
                seen[id_number] = row_number
            registered = existing.get(id_number)
            row_county = item.county_id if item else fixed_county_id
            if registered is not None and first is None:
                if registered[0] != row_county and row_county is not None:
                    row_problems.append(
                        importer.Problem(
                            row_number,
                            importer.ID_NUMBER,
                            _("该身份证号已在本市其他县（市、区）登记，不能重复登记。"),
                        )
                    )
                elif mode == ImportMode.CREATE:
                    row_problems.append(
                        importer.Problem(
                            row_number,
                            importer.ID_NUMBER,
                            _("该身份证号已登记。如需修改已登记的改造户，请选择“更新”方式导入。"),
                        )
                    )
        if row_problems:
            problems.extend(row_problems)
        elif not problems:
            parsed.append(item)
    if result.rows == 0 and not problems:
        problems.append(importer.Problem(2, "", _("表中没有数据行。")))
    if problems:
        return result

    whole = sees_whole_ids(user=user)
    type_names = {t.pk: t.name for t in types.values()}
    for item in parsed:
        if item.id_number in existing:
            result.updated += 1
        else:
            result.created += 1
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append(
                {
                    "row": item.row,
                    "action": "update" if item.id_number in existing else "create",
                    "township": item.township,
                    "village": item.village,
                    "head_name": item.head_name,
                    "id_number": item.id_number if whole else mask_id(item.id_number),
                    "retrofit_type": type_names[item.retrofit_type_id],
                    "area_class": item.area_class,
                    "area_m2": item.area_m2,
                    "completed_on": item.completed_on,
                }
            )
    if dry_run:
        return result
    _write(plan=plan, parsed=parsed, existing=existing, mode=mode)
    return result


# Column order of the bulk insert; checked against the model at import time.
INSERT_FIELDS = (
    "plan",
    "county",
    "township",
    "village",
    "head_name",
    "id_number",
    "phone",
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
    """One COPY text line of an INSERT_FIELDS tuple; free text escaped, the rest is validated or ours."""
    area = "\\N" if v[9] is None else str(v[9])
    completed = "\\N" if v[10] is None else v[10].isoformat()
    now = _copy_value(v[18])
    return (
        f"{v[0]}\t{v[1]}\t{v[2].translate(esc)}\t{v[3].translate(esc)}\t{v[4].translate(esc)}\t{v[5].translate(esc)}\t"
        f"{v[6].translate(esc)}\t{v[7]}\t{v[8]}\t{area}\t{completed}\t{v[11]}\t{v[12].translate(esc)}\t{v[13]}\t"
        f"\\N\t\t\t\\N\t{now}\t{now}\n"
    )


def _copy_rows(cursor, batch, *, update: bool) -> None:
    """PostgreSQL: COPY the batch (straight into the table, or into a temporary table for the upsert)."""
    quote = connection.ops.quote_name
    table = quote(Household._meta.db_table)
    columns = ", ".join(quote(Household._meta.get_field(name).column) for name in INSERT_FIELDS)
    buffer = io.StringIO()
    buffer.writelines(_copy_line(values) for values in batch)
    buffer.seek(0)
    if not update:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        return
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS households_import ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
    )
    cursor.execute("TRUNCATE households_import")
    cursor.cursor.copy_expert(f"COPY households_import ({columns}) FROM STDIN", buffer)
    sets = ", ".join(
        f"{quote(Household._meta.get_field(name).column)} = EXCLUDED.{quote(Household._meta.get_field(name).column)}"
        for name in UPDATE_FIELDS
    )
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM households_import "
        f"ON CONFLICT ({quote('plan_id')}, {quote('id_number')}) DO UPDATE SET {sets}"
    )


def _insert_sql(*, update: bool) -> str:
    """SQLite: one parameterised row, run with executemany (the sqlite3 module loops in C)."""
    quote = connection.ops.quote_name
    fields = [Household._meta.get_field(name) for name in INSERT_FIELDS]
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(Household._meta.db_table)} ({columns}) VALUES "
    sql += "(" + ", ".join(["%s"] * len(fields)) + ")"
    if update:
        sets = ", ".join(
            f"{quote(Household._meta.get_field(name).column)} = EXCLUDED.{quote(Household._meta.get_field(name).column)}"
            for name in UPDATE_FIELDS
        )
        sql += f" ON CONFLICT ({quote('plan_id')}, {quote('id_number')}) DO UPDATE SET {sets}"
    return sql


@transaction.atomic
def _write(*, plan: Plan, parsed, existing, mode: str) -> None:
    """One transaction: batched INSERT (create) or INSERT … ON CONFLICT DO UPDATE (update); COPY on PostgreSQL.

    Plain SQL because Django's bulk_create spends most of its time preparing 2 million field values;
    every value here was validated by the row parser against the model's rules, and the unique
    constraint on (plan, id_number) still guards the table.
    """
    keep = (HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)
    completed, registered = HouseholdStatus.COMPLETED.value, HouseholdStatus.REGISTERED.value
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = _insert_sql(update=mode == ImportMode.UPDATE) if connection.vendor != "postgresql" else ""
    plan_id = plan.pk
    with connection.cursor() as cursor:
        for start in range(0, len(parsed), BATCH_SIZE):
            batch = []
            for item in parsed[start : start + BATCH_SIZE]:
                previous = existing.get(item.id_number)
                if previous is not None and previous[1] in keep:
                    status = previous[1]
                else:
                    status = completed if item.completed_on else registered
                batch.append(
                    (
                        plan_id,
                        item.county_id,
                        item.township,
                        item.village,
                        item.head_name,
                        item.id_number,
                        item.phone,
                        item.retrofit_type_id,
                        item.area_class,
                        item.area_m2,
                        item.completed_on,
                        item.hardship,
                        item.note,
                        status,
                        None,
                        "",
                        "",
                        None,
                        now,
                        now,
                    )
                )
            if connection.vendor == "postgresql":
                _copy_rows(cursor, batch, update=mode == ImportMode.UPDATE)
            else:
                cursor.executemany(sql, batch)


def _writable_households(*, user, plan: Plan):
    scope = require_writer(user)
    return scope, households_for_user(user=user, plan=plan)


@transaction.atomic
def households_accept(
    *,
    user,
    plan: Plan,
    accepted_on: date,
    accepted_by: str,
    result: str,
    household_ids: list[int] | None = None,
    county_code: str = "",
    township: str = "",
    village: str = "",
) -> int:
    """Record acceptance (验收) for listed households or a whole village; returns how many were recorded.

    Only completed (or already accepted) households can be accepted; a passed result makes them
    accepted (payable), a failed one keeps them completed with the failed result noted.
    """
    _scope, queryset = _writable_households(user=user, plan=plan)
    errors = {}
    if result not in AcceptanceResult.values:
        errors["result"] = [_("验收结果应为合格或不合格。")]
    accepted_by = (accepted_by or "").strip()
    if not accepted_by:
        errors["accepted_by"] = [_("请填写验收单位。")]
    elif len(accepted_by) > 100:
        errors["accepted_by"] = [_("不能超过100个字。")]
    if accepted_on is None:
        errors["accepted_on"] = [_("请填写验收日期。")]
    elif accepted_on > timezone.localdate():
        errors["accepted_on"] = [_("验收日期不能晚于今天。")]
    if household_ids:
        targets = queryset.filter(pk__in=household_ids)
        if targets.count() != len(set(household_ids)):
            errors["households"] = [_("部分改造户不存在或不在您的管辖范围内。")]
    elif county_code and township and village:
        targets = queryset.filter(county__code=county_code, township=township, village=village)
        if not targets.exists():
            errors["village"] = [_("该村没有登记的改造户。")]
    else:
        errors["households"] = [_("请选择改造户，或指定县（市、区）、乡镇和村。")]
    if errors:
        raise ValidationError(errors)
    targets = targets.exclude(status=HouseholdStatus.PAID)
    not_done = targets.filter(status=HouseholdStatus.REGISTERED).count()
    if not_done:
        raise ValidationError({"households": [_("有%(n)d户尚未完工（无完工日期），不能验收。") % {"n": not_done}]})
    if accepted_on is not None and targets.filter(completed_on__gt=accepted_on).exists():
        raise ValidationError({"accepted_on": [_("验收日期不能早于完工日期。")]})
    status = HouseholdStatus.ACCEPTED if result == AcceptanceResult.PASSED else HouseholdStatus.COMPLETED
    return Household.objects.filter(pk__in=list(targets.values_list("pk", flat=True))).update(
        status=status,
        accepted_on=accepted_on,
        accepted_by=accepted_by,
        acceptance_result=result,
        updated_at=timezone.now(),
    )


@transaction.atomic
def spot_check_record(
    *, user, plan: Plan, county_code: str, checked_on: date, inspector: str, items: list[dict], note: str = ""
) -> SpotCheck:
    """Record a check visit (抽查): the households checked and the finding for each.

    ``items``: ``[{"household": pk or "id_number": "...", "finding": "in_use|idle|coal_resumed|removed"}]``.
    """
    scope, queryset = _writable_households(user=user, plan=plan)
    county = County.objects.filter(code=county_code).first()
    if county is None or not scope.allows_county(county.pk):
        raise ValidationError({"county": [_("未知的县（市、区）。")]})
    errors: dict[str, list[str]] = {}
    if not items:
        errors["items"] = [_("请至少填写一户检查结果。")]
    wanted_pks, wanted_ids = set(), set()
    for index, item in enumerate(items or []):
        if item.get("finding") not in Finding.values:
            errors[f"items.{index}.finding"] = [_("检查结果应为正常使用、改而不用、燃煤复烧或设备已拆除。")]
        if item.get("household"):
            wanted_pks.add(item["household"])
        elif item.get("id_number"):
            wanted_ids.add(normalise_id(item["id_number"]))
        else:
            errors[f"items.{index}.household"] = [_("请指定改造户。")]
    found = {
        (h.pk, h.id_number): h
        for h in queryset.filter(county=county).filter(pk__in=[p for p in wanted_pks if str(p).isdigit()])
        | queryset.filter(county=county, id_number__in=wanted_ids)
    }
    by_pk = {pk: h for (pk, _id), h in found.items()}
    by_id = {id_number: h for (_pk, id_number), h in found.items()}
    resolved = []
    seen = set()
    for index, item in enumerate(items or []):
        household = (
            by_pk.get(int(item["household"])) if str(item.get("household") or "").isdigit() else None
        ) or by_id.get(normalise_id(item.get("id_number") or ""))
        if household is None:
            errors.setdefault(f"items.{index}.household", [_("未找到该改造户（须为本县已登记的改造户）。")])
        elif household.pk in seen:
            errors.setdefault(f"items.{index}.household", [_("同一户在一次抽查中重复。")])
        else:
            seen.add(household.pk)
            resolved.append((household, item.get("finding")))
    spot_check = SpotCheck(
        plan=plan, county=county, checked_on=checked_on, inspector=(inspector or "").strip(), note=note, created_by=user
    )
    try:
        spot_check.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if checked_on and checked_on > timezone.localdate():
        errors.setdefault("checked_on", []).append(_("抽查日期不能晚于今天。"))
    if errors:
        raise ValidationError(errors)
    spot_check.save()
    SpotCheckItem.objects.bulk_create(
        [SpotCheckItem(spot_check=spot_check, household=h, finding=finding) for h, finding in resolved]
    )
    return spot_check


def export_audit_record(*, user, plan: Plan, rows: int, filters: dict) -> ExportAudit:
    audit = ExportAudit(user=user, plan=plan, rows=rows, filters=filters)
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def households_mark_paid(*, user, plan: Plan, household_ids: list[int], paid_on: date) -> int:
    """Record that the subsidy was paid (补助已拨付): city office or finance, accepted households only."""
    require_role(user, *PAYMENT_ROLES)
    queryset = households_for_user(user=user, plan=plan)
    errors = {}
    if not household_ids:
        errors["households"] = [_("请选择改造户。")]
    elif queryset.filter(pk__in=household_ids).count() != len(set(household_ids)):
        errors["households"] = [_("部分改造户不存在。")]
    if paid_on is None:
        errors["paid_on"] = [_("请填写拨付日期。")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("拨付日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    targets = queryset.filter(pk__in=household_ids)
    not_accepted = targets.exclude(status__in=(HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)).count()
    if not_accepted:
        raise ValidationError({"households": [_("有%(n)d户尚未验收合格，不能拨付补助。") % {"n": not_accepted}]})
    if targets.filter(accepted_on__gt=paid_on).exists():
        raise ValidationError({"paid_on": [_("拨付日期不能早于验收日期。")]})
    return targets.update(status=HouseholdStatus.PAID, paid_on=paid_on, updated_at=timezone.now())
