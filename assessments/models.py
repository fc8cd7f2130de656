"""The year-end assessment (年终目标责任考核): a scheme per plan year, the city's air-quality entries,
assessments computed from the records, adjustments (加减分), objections (异议) and an audit trail.

An assessment is a draft while the city office works on it (every figure recomputed from the records),
then published for objection (公示: the figures stored, each county sees only its own), then final
(frozen with a checksum, never recomputed). A correction after the final result is a new version that
supersedes the old; both stay.
"""

import uuid as uuid_lib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counties.models import County, Plan


class AssessmentScheme(models.Model):
    """The indicators, weights, rules, grades and fund coefficients of a plan year, one version each.

    ``rules`` is validated by ``assessments.rules.scheme_clean``; its shape is documented there. A
    version that an assessment has been published with is never edited again: a change makes the
    next version.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assessment_schemes")
    version = models.PositiveIntegerField(_("版本"), default=1)
    rules = models.JSONField(_("考核细则"))
    # The scheme shipped with the system: a starting point for the office to edit, not an official one.
    is_default = models.BooleanField(_("系统默认方案"), default=False)
    note = models.TextField(_("修改说明"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["plan", "-version"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="assessment_scheme_version_once")]

    def __str__(self) -> str:
        return f"{self.plan.year} v{self.version}"


class AirQuality(models.Model):
    """A county's air-quality result for the year, entered by the city office with its source."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="air_quality")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）"))
    value = models.DecimalField(_("实测值"), max_digits=10, decimal_places=2)
    target = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2)
    source = models.CharField(_("数据来源"), max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        ordering = ["county__order"]
        verbose_name = _("空气质量考核指标")
        verbose_name_plural = _("空气质量考核指标")
        constraints = [models.UniqueConstraint(fields=["plan", "county"], name="air_quality_once_per_county")]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.county} {self.value}/{self.target}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    FINAL = "final", _("已定稿")


class Assessment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assessments")
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="assessments")
    # 1, 2, …: a correction of a final result is the next number.
    number = models.PositiveIntegerField(_("版本号"))
    as_of = models.DateField(_("考核截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的版本"),
    )
    correction_reason = models.TextField(_("更正原因"), blank=True)
    # Stored at publication (the figures the counties object to) and frozen at finalisation.
    figures = models.JSONField(_("考核结果"), null=True, blank=True)
    sha256 = models.CharField(_("校验值 SHA-256"), max_length=64, blank=True)
    objection_deadline = models.DateField(_("异议截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("年终考核")
        verbose_name_plural = _("年终考核")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="assessment_number_once"),
            # One assessment at a time is being worked on (draft or published) per plan year.
            models.UniqueConstraint(fields=["plan"], condition=~Q(status="final"), name="assessment_one_open_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} #{self.number} {self.as_of}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status == AssessmentStatus.FINAL

    @property
    def is_superseded(self) -> bool:
        """A final result replaced by a correction that is final itself."""
        correction = getattr(self, "superseded_by", None)
        return correction is not None and correction.status == AssessmentStatus.FINAL


class Adjustment(models.Model):
    """加减分: points added or taken off a county's total by the city office, with reason and basis."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="adjustments")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）"))
    points = models.DecimalField(_("加减分"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("理由"), max_length=1000)
    basis = models.CharField(_("依据（文号或说明）"), max_length=200)
    objection = models.ForeignKey(
        "Objection", on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["county__order", "pk"]
        verbose_name = _("考核加减分")
        verbose_name_plural = _("考核加减分")

    def __str__(self) -> str:
        return f"{self.county} {self.points:+}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")


def _attachment_path(instance, filename):
    # A random name: the file's path must not reveal the county or the uploader's own file name.
    return f"assessments/{uuid_lib.uuid4().hex}"


class Objection(models.Model):
    """A county's objection (异议) to its published result, and the city office's answer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="objections")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）"))
    reason = models.TextField(_("异议理由"), max_length=2000)
    attachment = models.FileField(_("附件"), upload_to=_attachment_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    reply = models.TextField(_("答复意见"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("考核异议")
        verbose_name_plural = _("考核异议")

    def __str__(self) -> str:
        return f"{self.county} {self.get_status_display()}"


class EventAction(models.TextChoices):
    SCHEME_UPDATE = "scheme_update", _("修改考核方案")
    AIR_QUALITY = "air_quality", _("录入空气质量指标")
    CREATE = "create", _("计算考核")
    ADJUST = "adjust", _("加减分")
    PUBLISH = "publish", _("公示")
    OBJECT = "object", _("提出异议")
    ANSWER = "answer", _("答复异议")
    FINALIZE = "finalize", _("定稿")
    SUPERSEDE = "supersede", _("更正取代")


class AssessmentEvent(models.Model):
    """The assessment's audit trail: who did what, when, with what details. Written once, never changed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=20, choices=EventAction.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("考核操作记录")
        verbose_name_plural = _("考核操作记录")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("assessment events cannot be changed")
        super().save(*args, **kwargs)
