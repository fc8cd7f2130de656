"""Writes to the roster. Every function validates everything first and writes in one transaction."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EventKind
from accounts.services import security_event_record
from core.api import ConflictError
from counties.models import County, Plan, RetrofitType
from households import importer, pii, roster_summary, roster_writer
from households.acceptance import pks_and_counties
from households.idnumber import mask_id, normalise_id
from households.models import (
    ExportAudit,
    Household,
    HouseholdStatus,
    PersonalDataAction,
)
from households.permissions import RecordsPayment, SeesWholeIds
from households.selectors import (
    REGISTRATION_BATCH,
    household_get_for_user,
    households_for_user,
    id_numbers_known,
    require_writer,
    roster_registrations,
)

PREVIEW_ROWS = 20
import_log = logging.getLogger("households.import")


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
    skipped_title_rows: int = 0  # title rows above the header, not read (roster_files)

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
    another county is always a problem, reported without that household's details. An ID whose
    household completed under an earlier plan (``selectors.id_numbers_known``) is refused in
    both modes: the one-time subsidy is paid once per household.
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

    table = importer.open_rows(fileobj, size)
    rows, header_row = table.rows, table.header_row
    positions = importer.header_positions(table.header)
    result = ImportResult(mode=mode, dry_run=dry_run, skipped_title_rows=table.skipped_title_rows)
    missing = [name for name in importer.REQUIRED if name not in positions]
    if missing:
        result.problems = [
            importer.Problem(table.header_row, name, _("缺少“%(name)s”列，请使用下载的模板。") % {"name": name})
            for name in missing
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
    seen: dict[str, int] = {}
    # Each first-seen ID is checked against the roster in batches after the loop (roster_registrations),
    # so that memory follows the upload, not the roster: a kept row carries its blind index; a row
    # with problems (not kept) leaves (row, blind index, county) here, to report its registration too.
    pending: list[tuple[int, str, int | None, None]] = []
    elsewhere = 0
    parsed: list[importer.ParsedRow] = []
    problems = result.problems
    for row_number, values in rows:
        if importer.is_blank(values) or importer.is_example(values):
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
            row_county = item.county_id if item else fixed_county_id
            if first is None:
                # Registrations are known by blind index only (households.pii).
                index = pii.id_index(id_number)
                if item:
                    item.id_index = index
                if row_problems or problems:
                    pending.append((row_number, index, row_county, None))
        if row_problems:
            problems.extend(row_problems)
        elif not problems:
            parsed.append(item)
    # The reader's sheet (held by the row iterator) and the duplicate check are done with: let them go
    # before the registrations and the write, which is where a large import peaks.
    del rows, seen, table
    # One batch of registrations at a time: an update of 100,000 households never holds 100,000 of them.
    checks = itertools.chain(((item.row, item.id_index, item.county_id, item) for item in parsed), pending)
    while batch := list(itertools.islice(checks, REGISTRATION_BATCH)):
        indexes = [index for _row, index, _county, _item in batch]
        # The one-time subsidy is paid once per household: an ID completed under an earlier plan is refused.
        existing, completed_before = id_numbers_known(plan=plan, indexes=indexes)
        for row_number, index, row_county, item in batch:
            registered = existing.get(index)
            if item is not None:
                item.registered = registered is not None
            earlier = completed_before.get(index)
            if earlier is not None:
                problems.append(importer.Problem(row_number, importer.ID_NUMBER, earlier_completion_message(*earlier)))
            found = _registration_problem(registered, row_county, mode)
            if found is not None:
                problems.append(importer.Problem(row_number, importer.ID_NUMBER, found[0]))
                elsewhere += found[1]
    del pending
    problems.sort(key=lambda p: p.row)  # stable: a row's own problems first, as before
    if result.rows == 0 and not problems:
        problems.append(importer.Problem(header_row + 1, "", _("表中没有数据行。")))
    if elsewhere:
        cross_county_conflict_log(user=user, plan=plan, rows=elsewhere, mode=mode, dry_run=dry_run, stage="check")
    if problems:
        return result

    type_names = {t.pk: t.name for t in types.values()}
    for item in parsed:
        if item.registered:
            result.updated += 1
        else:
            result.created += 1
        if len(result.preview) < PREVIEW_ROWS:
            # Masked for every role: whole numbers only in audited exports and the audited “show” action.
            result.preview.append(
                {
                    "row": item.row,
                    "action": "update" if item.registered else "create",
                    "township": item.township,
                    "village": item.village,
                    "head_name": item.head_name,
                    "id_number": mask_id(item.id_number),
                    "retrofit_type": type_names[item.retrofit_type_id],
                    "area_class": item.area_class,
                    "area_m2": item.area_m2,
                    "completed_on": item.completed_on,
                }
            )
    if dry_run:
        return result
    try:
        roster_writer.roster_write(plan_id=plan.pk, parsed=parsed, update=mode == ImportMode.UPDATE)
    except (IntegrityError, roster_writer.RowsRefused):
        # Another import registered some of these IDs after the check above; the write was rolled
        # back. Report those rows as the check would have, from what the table holds now.
        _refused_rows(result, user=user, plan=plan, parsed=parsed, mode=mode)
    except OperationalError as exc:
        if not _is_lock_conflict(exc):
            raise
        raise ConflictError(_("另一项导入正在写入花名册，本次未导入任何数据。请稍后重试。")) from None
    return result


def earlier_completion_message(year: int, county_name: str, type_name: str) -> str:
    return _("该户已于%(year)d年在%(county)s完成%(type)s改造并纳入补助") % {
        "year": year,
        "county": county_name,
        "type": type_name,
    }


def _registration_problem(registered, row_county, mode: str) -> tuple[str, bool] | None:
    """Why a row's ID cannot be written given its registration (county id, status), or None.

    Returns (message, whether the ID is registered in another county).
    """
    if registered is None:
        return None
    if row_county is not None and registered[0] != row_county:
        return _("该身份证号已在本市其他县（市、区）登记，不能重复登记。"), True
    if mode == ImportMode.CREATE:
        return _("该身份证号已登记。如需修改已登记的改造户，请选择“更新”方式导入。"), False
    return None


def _refused_rows(result: ImportResult, *, user, plan: Plan, parsed, mode: str) -> None:
    """Turn a write the database refused into per-row problems (nothing was written)."""
    registrations = roster_registrations(plan=plan, indexes=[item.id_index for item in parsed])
    result.created = result.updated = 0
    result.preview = []
    elsewhere = 0
    for item in parsed:
        found = _registration_problem(registrations.get(item.id_index), item.county_id, mode)
        if found is not None:
            result.problems.append(importer.Problem(item.row, importer.ID_NUMBER, found[0]))
            elsewhere += found[1]
    if elsewhere:
        cross_county_conflict_log(user=user, plan=plan, rows=elsewhere, mode=mode, dry_run=False, stage="write")
    if not result.problems:
        # The conflicting rows are gone again (the other import was undone): nothing to point at.
        raise ConflictError(_("另一项导入同时写入了相同的身份证号，本次未导入任何数据。请重新导入。"))


def _is_lock_conflict(exc: OperationalError) -> bool:
    """A deadlock (PostgreSQL) or a busy database (SQLite) between two writers: retryable, not a bug."""
    cause = exc.__cause__
    return getattr(cause, "pgcode", None) in ("40P01", "40001", "55P03") or "database is locked" in str(exc)


def cross_county_conflict_log(*, user, plan: Plan, rows: int, mode: str, dry_run: bool, stage: str) -> None:
    """Record that an import named IDs registered in another county: who, when, how many rows.

    The one place such conflicts are recorded (a security audit log hooks in here). ``stage`` is
    ``check`` (found while validating) or ``write`` (refused by the database at write time).
    """
    import_log.warning(
        "cross-county ID conflict: user=%s plan=%s rows=%d mode=%s dry_run=%s stage=%s at=%s",
        user.get_username(),
        plan.year,
        rows,
        mode,
        dry_run,
        stage,
        timezone.now().isoformat(),
        extra={
            "user_id": user.pk,
            "username": user.get_username(),
            "plan_year": plan.year,
            "conflict_rows": rows,
            "import_mode": mode,
            "dry_run": dry_run,
            "stage": stage,
        },
    )


def _writable_households(*, user, plan: Plan):
    scope = require_writer(user)
    return scope, households_for_user(user=user, plan=plan)


def export_audit_record(
    *, user, plan: Plan, rows: int, filters: dict, action: str = PersonalDataAction.EXPORT, request=None
) -> ExportAudit:
    """The one record of whole ID numbers leaving the system: an export, or one household shown (``reveal``);
    its own record here, and an entry in the security log with the client's address.

    A whole ID or phone number typed into a search filter is kept masked: the records must not hold one.
    """
    filters = {key: pii.redact(value) if isinstance(value, str) else value for key, value in filters.items()}
    audit = ExportAudit(user=user, plan=plan, rows=rows, filters=filters, action=action)
    audit.full_clean()
    audit.save()
    security_event_record(
        kind=EventKind.WHOLE_ID_EXPORT if action == PersonalDataAction.EXPORT else EventKind.WHOLE_ID_VIEW,
        request=request,
        user=user,
        detail={"plan": plan.year, "rows": rows, "filters": filters, "export_audit_id": audit.pk},
    )
    return audit


@transaction.atomic
def household_reveal(*, user, plan: Plan, pk, request=None) -> dict:
    """“Show whole ID” for one household: its whole ID and phone number, recorded like an export.

    City office, finance and administrators only (others 403); a household outside the user's
    scope is a 404. The record is written before the numbers are returned.
    """
    SeesWholeIds.check(user)
    household = household_get_for_user(user=user, plan=plan, pk=pk)
    id_number, phone = pii.reveal(household.pii_cipher)
    export_audit_record(
        user=user,
        plan=plan,
        rows=1,
        filters={"household": household.pk},
        action=PersonalDataAction.REVEAL,
        request=request,
    )
    return {"household": household, "id_number": id_number, "phone": phone}


@transaction.atomic
def households_mark_paid(*, user, plan: Plan, household_ids: list[int], paid_on: date) -> int:
    """Record that the subsidy was paid (补助已拨付): city office or finance, accepted households only."""
    RecordsPayment.check(user)
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
    pks, county_ids = pks_and_counties(targets)
    count = Household.objects.filter(pk__in=pks).update(
        status=HouseholdStatus.PAID, paid_on=paid_on, updated_at=timezone.now()
    )
    roster_summary.summary_recount(plan_id=plan.pk, county_ids=county_ids)
    return count
