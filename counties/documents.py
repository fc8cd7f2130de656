"""文号 of the system's official documents: reads and writes.

A document's number is given the first time the city office (or admin) produces it and stays with it:
the bulletin of 2021-10 downloaded twice carries the same 文号. Readers who may not number documents get
the number if one was given, else a blank for the office to fill in by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import DocumentKind, DocumentNumber, Plan

NUMBER_MAX = 60


def document_prefix(kind: DocumentKind | str) -> str:
    """The 发文字号 of the office that issues this kind of document."""
    if kind == DocumentKind.SETTLEMENT:
        return settings.FINANCE_DOCUMENT_PREFIX
    return settings.OFFICIAL_DOCUMENT_PREFIX


def document_number_text(*, plan: Plan, serial: int | None, kind: DocumentKind | str = DocumentKind.BULLETIN) -> str:
    """运清洁取暖办〔2021〕12号; without a serial the blank an office fills by hand."""
    prefix = document_prefix(kind)
    return f"{prefix}〔{plan.year}〕{serial}号" if serial else f"{prefix}〔{plan.year}〕\u3000\u3000号"


def document_number_find(*, plan: Plan, kind: DocumentKind | str, subject: str) -> DocumentNumber | None:
    return DocumentNumber.objects.filter(plan=plan, kind=kind, subject=subject).select_related("plan").first()


@transaction.atomic
def document_number_issue(*, plan: Plan, kind: DocumentKind | str, subject: str, actor) -> DocumentNumber:
    """The document's number, given now (next serial of the year) if it has none yet."""
    existing = document_number_find(plan=plan, kind=kind, subject=subject)
    if existing is not None:
        return existing
    # The plan row serialises numbering: two offices producing documents at once get two serials.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    existing = document_number_find(plan=plan, kind=kind, subject=subject)
    if existing is not None:
        return existing
    prefix = document_prefix(kind)
    serial = (DocumentNumber.objects.filter(plan=plan, prefix=prefix).aggregate(m=Max("serial"))["m"] or 0) + 1
    document = DocumentNumber(
        plan=plan,
        prefix=prefix,
        kind=kind,
        subject=subject,
        serial=serial,
        number=document_number_text(plan=plan, serial=serial, kind=kind),
        issued_on=timezone.localdate(),
        issued_by=actor,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_number_update(*, document: DocumentNumber, number: str, actor) -> DocumentNumber:
    """Correct the 文号 text (the serial, and so the next number, stays)."""
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": [_("请填写文号。")]})
    if len(number) > NUMBER_MAX:
        raise ValidationError({"number": [_("文号不能超过 %(n)s 个字。") % {"n": NUMBER_MAX}]})
    clash = DocumentNumber.objects.filter(plan=document.plan, number=number).exclude(pk=document.pk).first()
    if clash is not None:
        raise ValidationError({"number": [_("文号“%(number)s”已用于另一份公文。") % {"number": number}]})
    document.number = number
    document.issued_by = actor
    document.full_clean()
    try:
        document.save(update_fields=["number", "issued_by"])
    except IntegrityError:  # pragma: no cover - the unique constraints are checked above
        raise ValidationError({"number": [_("文号已被占用，请重试。")]}) from None
    return document
