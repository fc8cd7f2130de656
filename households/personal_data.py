"""Looking after residents' personal data at rest: key rotation and purging a closed plan (services).

The numbers themselves only ever pass through ``households.pii``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import Plan, Role
from counties.selectors import require_role
from households import hooks, pii
from households.models import ExportAudit, Household, PersonalDataAction

ROTATION_BATCH = 1000


def pii_key_usage() -> dict[str, int]:
    """How many households' numbers are encrypted under each key id (purged households have none). One query."""
    key_id = Substr(F("pii_cipher"), 1, StrIndex(F("pii_cipher"), Value(":")) - 1)
    rows = (
        Household.objects.exclude(pii_cipher="")
        .annotate(key_id=key_id)
        .values("key_id")
        .annotate(n=Count("pk"))
        .order_by("key_id")
    )
    return {row["key_id"]: row["n"] for row in rows}


def _not_current():
    return Household.objects.exclude(pii_cipher="").exclude(pii_cipher__startswith=f"{pii.current_key_id()}:")


def pii_rotation_remaining() -> int:
    return _not_current().count()


@transaction.atomic
def pii_rotate_batch(*, after_pk: int = 0, size: int = ROTATION_BATCH) -> tuple[int, int | None]:
    """Re-encrypt the next ``size`` households (by id, after ``after_pk``) not yet under the current key.

    Returns (how many, the last id, or None when none were left). Each batch commits on its own, so an
    interrupted rotation keeps what it did and a new run simply finds fewer rows to do. The rows are
    locked while they are re-encrypted: an import updating the same household waits for the batch.
    """
    rows = list(
        _not_current().filter(pk__gt=after_pk).order_by("pk").select_for_update().only("pk", "pii_cipher")[:size]
    )
    for household in rows:
        household.pii_cipher = pii.reencrypt(household.pii_cipher)
    Household.objects.bulk_update(rows, ["pii_cipher"], batch_size=500)
    return len(rows), (rows[-1].pk if rows else None)


@transaction.atomic
def pii_reindex_batch(*, after_pk: int = 0, size: int = ROTATION_BATCH) -> tuple[int, int | None]:
    """Recompute the blind indexes of the next ``size`` households (by id) under the configured PII_INDEX_KEY.

    Each batch commits on its own; an interrupted re-index is run again from the start (recomputing an
    index already under the new key gives the same value). Returns (how many, the last id or None).
    """
    rows = list(
        Household.objects.exclude(pii_cipher="")
        .filter(pk__gt=after_pk)
        .order_by("pk")
        .select_for_update()
        .only("pk", "pii_cipher", "id_number_index", "phone_index")[:size]
    )
    for household in rows:
        id_number, phone = pii.reveal(household.pii_cipher)
        household.id_number_index, household.phone_index = pii.id_index(id_number), pii.phone_index(phone)
    Household.objects.bulk_update(rows, ["id_number_index", "phone_index"], batch_size=500)
    return len(rows), (rows[-1].pk if rows else None)


def index_key_agrees_with_data() -> bool | None:
    """Whether the configured index key gives a stored household's own index back (None: no household to try).

    The data's own proof, beside the stored fingerprint: decrypt one household and recompute its index.
    """
    household = Household.objects.exclude(pii_cipher="").only("pii_cipher", "id_number_index").order_by("pk").first()
    if household is None:
        return None
    id_number, _phone = pii.reveal(household.pii_cipher)
    return pii.id_index(id_number) == household.id_number_index


PURGE_ROLES = (Role.ADMIN, Role.CITY_OFFICE)


def purge_allowed_from(plan: Plan) -> date:
    return plan.deadline + timedelta(days=settings.PII_RETENTION_DAYS)


@transaction.atomic
def personal_data_purge(*, user, plan: Plan, today: date | None = None) -> dict[str, int]:
    """Clear the names, ID and phone numbers of a closed plan's households and what field visits hold of them.

    Returns the counts: ``households`` cleared, and what each registered purger cleared (inspections:
    ``visit_positions``, ``visit_notes``, ``photos``, ``photo_files``).

    Refused before the retention period (``PII_RETENTION_DAYS`` after the plan's deadline). Everything
    else stays (county, township, village, type, area class, area, dates, status, acceptance, payment),
    so counts, reconciliation and subsidy totals add up as before. Recorded with who and how many.
    """
    require_role(user, *PURGE_ROLES)
    today = today or timezone.localdate()
    allowed = purge_allowed_from(plan)
    if today < allowed:
        raise ValidationError(
            _("%(year)d年度方案的个人信息须保留至 %(date)s（完成期限后 %(days)d 天），现在不能清除。")
            % {"year": plan.year, "date": allowed.isoformat(), "days": settings.PII_RETENTION_DAYS}
        )
    cleared = (
        Household.objects.filter(plan=plan)
        .exclude(pii_cipher="", head_name="")
        .update(
            head_name="",
            pii_cipher="",
            id_number_index=None,
            phone_index="",
            id_number_masked="",
            phone_masked="",
            updated_at=timezone.now(),
        )
    )
    counts = {"households": cleared}
    for purger in hooks.personal_data_purgers():
        counts.update(purger(plan=plan))
    audit = ExportAudit(
        user=user,
        plan=plan,
        rows=cleared,
        action=PersonalDataAction.PURGE,
        filters={
            "deadline": plan.deadline.isoformat(),
            "retention_days": settings.PII_RETENTION_DAYS,
            **{name: n for name, n in counts.items() if name != "households"},
        },
    )
    audit.full_clean()
    audit.save()
    return counts
