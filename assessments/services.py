"""Writes of the assessment: keyword-only, validated, atomic, each recorded in the audit trail.

Refusals: ``ValidationError`` (400) for bad input, ``ConflictError`` (409) for a step the
assessment's state does not allow, ``PermissionDenied`` (403) for a role that may not act.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rules as R
from assessments.figures import assessed_counties, assessment_compute, figures_with_adjustments
from assessments.models import (
    Adjustment,
    AirQuality,
    Assessment,
    AssessmentEvent,
    AssessmentScheme,
    AssessmentStatus,
    EventAction,
    Objection,
    ObjectionStatus,
)
from assessments.permissions import AssessmentManagers, Objectors
from assessments.selectors import adjustments_of, figures_checksum, open_objections, scheme_current, scheme_locked
from core.api import ConflictError
from counties.models import County, Plan, PlanStatus
from counties.selectors import scope_for_user

TEXT_MAX = 1000
ATTACHMENT_TYPES = {
    # extension: the bytes a file of that kind starts with
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def _event(*, plan, actor, action, assessment=None, county=None, **detail) -> None:
    AssessmentEvent.objects.create(
        plan=plan, assessment=assessment, actor=actor, action=action, county=county, detail=detail
    )


def _require_text(errors: dict, field: str, value, label: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        errors[field] = [_("请填写%(label)s。") % {"label": label}]
    elif len(value) > limit:
        errors[field] = [_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": limit}]
    return value


def _require_assessable(plan: Plan) -> None:
    if plan.status == PlanStatus.DRAFT:
        raise ConflictError(_("%(year)d年度方案尚未下达，不能考核。") % {"year": plan.year})


@transaction.atomic
def scheme_update(*, plan: Plan, rules, note: str = "", actor) -> AssessmentScheme:
    """Set the plan's scheme: the current version edited in place while no assessment was published
    with it, else the next version."""
    AssessmentManagers.check(actor)
    _require_assessable(plan)
    clean = R.scheme_clean(rules)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    current = scheme_current(plan=plan)
    if current.pk is not None and scheme_locked(scheme=current):
        scheme = AssessmentScheme(plan=plan, version=current.version + 1)
    else:
        scheme = current
    before = scheme.rules if scheme.pk else None
    scheme.rules = clean
    scheme.is_default = False
    scheme.note = (note or "").strip()[:TEXT_MAX]
    scheme.updated_by = actor
    scheme.full_clean()
    scheme.save()
    _event(plan=plan, actor=actor, action=EventAction.SCHEME_UPDATE, version=scheme.version, before=before, after=clean)
    return scheme


def _scheme_saved(plan: Plan) -> AssessmentScheme:
    scheme = scheme_current(plan=plan)
    if scheme.pk is None:
        scheme.save()
    return scheme


def _decimal(errors: dict, field: str, value, *, places: int = 2, low=None, high=None) -> Decimal | None:
    try:
        number = Decimal(str(value).strip()) if value is not None and not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors[field] = [_("请填写数字。")]
        return None
    if number.as_tuple().exponent < -places:
        errors[field] = [_("最多 %(n)d 位小数。") % {"n": places}]
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        errors[field] = [_("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}]
        return None
    return number


@transaction.atomic
def air_quality_set(*, plan: Plan, county: County, value, target, source: str, actor) -> AirQuality:
    """Enter (or correct) a county's air-quality result. A published or final assessment keeps the
    figure it was published with; the next computation uses the new one."""
    AssessmentManagers.check(actor)
    _require_assessable(plan)
    errors: dict = {}
    limit = Decimal("99999999.99")
    value = _decimal(errors, "value", value, low=-limit, high=limit)
    target = _decimal(errors, "target", target, low=-limit, high=limit)
    source = _require_text(errors, "source", source, _("数据来源"), 200)
    if county.pk not in {c.pk for c in assessed_counties(plan=plan)}:
        errors["county"] = [_("%(county)s不在本年度考核范围内。") % {"county": county.name}]
    if errors:
        raise ValidationError(errors)
    entry = AirQuality.objects.filter(plan=plan, county=county).first()
    before = (
        None
        if entry is None
        else {"value": R.text(entry.value), "target": R.text(entry.target), "source": entry.source}
    )
    entry = entry or AirQuality(plan=plan, county=county)
    entry.value, entry.target, entry.source, entry.entered_by = value, target, source, actor
    entry.full_clean()
    entry.save()
    after = {"value": R.text(value), "target": R.text(target), "source": source}
    _event(plan=plan, actor=actor, action=EventAction.AIR_QUALITY, county=county, before=before, after=after)
    return entry


@transaction.atomic
def assessment_create(
    *, plan: Plan, as_of, actor, supersedes: Assessment | None = None, reason: str = ""
) -> Assessment:
    """A draft computed as of ``as_of``. One assessment at a time is worked on; once a result is final,
    a new one is a correction of it (``supersedes``, with a reason), which copies its adjustments."""
    AssessmentManagers.check(actor)
    _require_assessable(plan)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    errors: dict = {}
    if as_of < plan.document_date:
        errors["as_of"] = [_("考核截止日期不能早于方案印发日期 %(date)s。") % {"date": plan.document_date}]
    elif as_of > timezone.localdate():
        errors["as_of"] = [_("考核截止日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    open_one = Assessment.objects.filter(plan=plan).exclude(status=AssessmentStatus.FINAL).first()
    if open_one is not None:
        raise ConflictError(
            _("第 %(n)d 版考核尚未定稿（%(status)s），不能再新建。")
            % {"n": open_one.number, "status": open_one.get_status_display()}
        )
    current_final = (
        Assessment.objects.filter(plan=plan, status=AssessmentStatus.FINAL)
        .exclude(superseded_by__status=AssessmentStatus.FINAL)
        .order_by("-number")
        .first()
    )
    if current_final is not None and supersedes is None:
        raise ConflictError(
            _("第 %(n)d 版考核结果已定稿。如需更正，请新建更正版本并说明原因。") % {"n": current_final.number}
        )
    if supersedes is not None:
        if current_final is None or supersedes.pk != current_final.pk:
            raise ConflictError(_("只能更正现行的定稿结果。"))
        reason = _require_text(errors, "reason", reason, _("更正原因"))
        if errors:
            raise ValidationError(errors)
    number = (Assessment.objects.filter(plan=plan).aggregate(m=Max("number"))["m"] or 0) + 1
    assessment = Assessment(
        plan=plan,
        scheme=_scheme_saved(plan),
        number=number,
        as_of=as_of,
        supersedes=supersedes,
        correction_reason=reason if supersedes else "",
        created_by=actor,
    )
    assessment.full_clean(exclude=["supersedes"])
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ConflictError(_("另一版考核刚刚创建，请刷新后再试。")) from None
    if supersedes is not None:
        for old in Adjustment.objects.filter(assessment=supersedes):
            Adjustment.objects.create(
                assessment=assessment,
                county_id=old.county_id,
                points=old.points,
                reason=old.reason,
                basis=old.basis,
                created_by=actor,
            )
    _event(
        plan=plan,
        assessment=assessment,
        actor=actor,
        action=EventAction.SUPERSEDE if supersedes else EventAction.CREATE,
        as_of=as_of.isoformat(),
        number=number,
        supersedes=supersedes.number if supersedes else None,
        reason=reason if supersedes else "",
    )
    return assessment


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("plan", "scheme").get(pk=assessment.pk)


def _restore_figures(assessment: Assessment) -> None:
    """A published assessment's stored figures with the adjustments now recorded."""
    county_ids = dict(County.objects.values_list("code", "pk"))
    assessment.figures = figures_with_adjustments(
        rules=assessment.scheme.rules,
        figures=assessment.figures,
        adjustments=adjustments_of(assessment=assessment),
        county_ids=county_ids,
    )
    assessment.save(update_fields=["figures"])


@transaction.atomic
def adjustment_add(
    *,
    assessment: Assessment,
    county: County,
    points,
    reason: str,
    basis: str,
    actor,
    objection: Objection | None = None,
) -> Adjustment:
    """加减分 for a county, within the scheme's limits (the county's bonuses and penalties each summed)."""
    AssessmentManagers.check(actor)
    assessment = _lock(assessment)
    if assessment.is_final:
        raise ConflictError(_("考核结果已定稿，不能再加减分；如需更正，请新建更正版本。"))
    errors: dict = {}
    value = _decimal(errors, "points", points, low=Decimal("-100"), high=Decimal("100"))
    if value is not None and value == 0:
        errors["points"] = [_("加减分不能为 0。")]
    reason = _require_text(errors, "reason", reason, _("理由"))
    basis = _require_text(errors, "basis", basis, _("依据（文号或说明）"), 200)
    if county.pk not in {c.pk for c in assessed_counties(plan=assessment.plan)}:
        errors["county"] = [_("%(county)s不在本年度考核范围内。") % {"county": county.name}]
    if not errors and value is not None:
        limits = assessment.scheme.rules["adjustment_limits"]
        existing = Adjustment.objects.filter(assessment=assessment, county=county)
        if value > 0:
            so_far = existing.filter(points__gt=0).aggregate(s=Sum("points"))["s"] or Decimal(0)
            if so_far + value > R.decimal(limits["bonus"]):
                errors["points"] = [
                    _("加分合计不能超过 %(limit)s 分（%(county)s已加 %(so_far)s 分）。")
                    % {"limit": limits["bonus"], "county": county.name, "so_far": R.text(R.points(so_far))}
                ]
        else:
            so_far = -(existing.filter(points__lt=0).aggregate(s=Sum("points"))["s"] or Decimal(0))
            if so_far - value > R.decimal(limits["penalty"]):
                errors["points"] = [
                    _("减分合计不能超过 %(limit)s 分（%(county)s已减 %(so_far)s 分）。")
                    % {"limit": limits["penalty"], "county": county.name, "so_far": R.text(R.points(so_far))}
                ]
    if errors:
        raise ValidationError(errors)
    adjustment = Adjustment(
        assessment=assessment,
        county=county,
        points=value,
        reason=reason,
        basis=basis,
        objection=objection,
        created_by=actor,
    )
    adjustment.full_clean()
    adjustment.save()
    if assessment.figures is not None:
        _restore_figures(assessment)
    _event(
        plan=assessment.plan,
        assessment=assessment,
        actor=actor,
        action=EventAction.ADJUST,
        county=county,
        points=R.text(value),
        reason=reason,
        basis=basis,
        objection=objection.pk if objection else None,
    )
    return adjustment


@transaction.atomic
def assessment_publish(*, assessment: Assessment, actor) -> Assessment:
    """公示: the figures computed now are stored; counties may object until the deadline."""
    AssessmentManagers.check(actor)
    assessment = _lock(assessment)
    if not assessment.is_draft:
        raise ConflictError(_("只有草稿可以公示（现为%(status)s）。") % {"status": assessment.get_status_display()})
    assessment.figures = assessment_compute(
        plan=assessment.plan,
        rules=assessment.scheme.rules,
        as_of=assessment.as_of,
        adjustments=adjustments_of(assessment=assessment),
    )
    today = timezone.localdate()
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.objection_deadline = today + timedelta(days=settings.ASSESSMENT_OBJECTION_DAYS)
    assessment.published_by, assessment.published_at = actor, timezone.now()
    assessment.save()
    _event(
        plan=assessment.plan,
        assessment=assessment,
        actor=actor,
        action=EventAction.PUBLISH,
        objection_deadline=assessment.objection_deadline.isoformat(),
        checksum=figures_checksum(assessment.figures),
    )
    return assessment


def _attachment_check(upload, errors: dict) -> str:
    if upload is None:
        return ""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if upload.size > settings.ASSESSMENT_ATTACHMENT_MAX_BYTES:
        errors["attachment"] = [
            _("附件不能超过 %(mb)d MB。") % {"mb": settings.ASSESSMENT_ATTACHMENT_MAX_BYTES // 1024 // 1024}
        ]
        return name
    starts = ATTACHMENT_TYPES.get(extension)
    head = upload.read(16)
    upload.seek(0)
    if starts is None or not head.startswith(starts):
        errors["attachment"] = [_("附件应为 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件。")]
    return name


@transaction.atomic
def objection_file(*, assessment: Assessment, reason: str, attachment=None, actor) -> Objection:
    """A county clerk's objection to its own county's published result, within the objection period."""
    Objectors.check(actor)
    scope = scope_for_user(actor)
    assessment = _lock(assessment)
    if assessment.status != AssessmentStatus.PUBLISHED:
        raise ConflictError(_("考核结果不在公示期，不能提出异议。"))
    if timezone.localdate() > assessment.objection_deadline:
        raise ConflictError(_("异议期已于 %(date)s 截止。") % {"date": assessment.objection_deadline.isoformat()})
    county = County.objects.get(pk=scope.county_id)
    if county.code not in {r["county"] for r in assessment.figures["counties"]}:
        raise ConflictError(_("%(county)s不在本次考核范围内。") % {"county": county.name})
    errors: dict = {}
    reason = _require_text(errors, "reason", reason, _("异议理由"), 2000)
    name = _attachment_check(attachment, errors)
    if errors:
        raise ValidationError(errors)
    objection = Objection(assessment=assessment, county=county, reason=reason, filed_by=actor, attachment_name=name)
    if attachment is not None:
        objection.attachment.save(name or "attachment", attachment, save=False)
    objection.full_clean()
    objection.save()
    _event(
        plan=assessment.plan,
        assessment=assessment,
        actor=actor,
        action=EventAction.OBJECT,
        county=county,
        objection=objection.pk,
        reason=reason,
        attachment=name,
    )
    return objection


@transaction.atomic
def objection_answer(
    *, objection: Objection, decision: str, reply: str, actor, points=None, basis: str = ""
) -> Objection:
    """The city office's answer: rejected with a reply, or accepted with a change of the county's
    points (an adjustment that cites the objection)."""
    AssessmentManagers.check(actor)
    objection = Objection.objects.select_for_update().select_related("assessment", "county").get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise ConflictError(_("该异议已答复。"))
    if objection.assessment.status != AssessmentStatus.PUBLISHED:
        raise ConflictError(_("考核结果不在公示期，不能答复异议。"))
    errors: dict = {}
    if decision not in (ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED):
        errors["decision"] = [_("请选择采纳或不采纳。")]
    reply = _require_text(errors, "reply", reply, _("答复意见"), 2000)
    if decision == ObjectionStatus.ACCEPTED and (points is None or str(points).strip() == ""):
        errors["points"] = [_("采纳异议须填写调整的分值。")]
    if errors:
        raise ValidationError(errors)
    if decision == ObjectionStatus.ACCEPTED:
        adjustment_add(
            assessment=objection.assessment,
            county=objection.county,
            points=points,
            reason=reply,
            basis=(basis or "").strip() or _("异议答复（第 %(n)d 号）") % {"n": objection.pk},
            actor=actor,
            objection=objection,
        )
    objection.status = decision
    objection.reply = reply
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save()
    _event(
        plan=objection.assessment.plan,
        assessment=objection.assessment,
        actor=actor,
        action=EventAction.ANSWER,
        county=objection.county,
        objection=objection.pk,
        decision=decision,
        reply=reply,
        points=None if points in (None, "") else str(points),
    )
    return objection


@transaction.atomic
def assessment_finalize(*, assessment: Assessment, actor) -> Assessment:
    """定稿: the published figures frozen with their checksum; never recomputed. 409 while an objection
    waits for its answer."""
    AssessmentManagers.check(actor)
    assessment = _lock(assessment)
    if assessment.status != AssessmentStatus.PUBLISHED:
        raise ConflictError(
            _("只有公示中的考核可以定稿（现为%(status)s）。") % {"status": assessment.get_status_display()}
        )
    waiting = open_objections(assessment=assessment)
    if waiting:
        raise ConflictError(_("还有 %(n)d 条异议未答复，答复后才能定稿。") % {"n": waiting})
    assessment.status = AssessmentStatus.FINAL
    assessment.sha256 = figures_checksum(assessment.figures)
    assessment.finalized_by, assessment.finalized_at = actor, timezone.now()
    assessment.save()
    _event(
        plan=assessment.plan,
        assessment=assessment,
        actor=actor,
        action=EventAction.FINALIZE,
        checksum=assessment.sha256,
        supersedes=assessment.supersedes.number if assessment.supersedes_id else None,
    )
    return assessment
