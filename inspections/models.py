"""Field inspections (issue 14): frozen random samples, visits recorded on a phone, photo evidence
and rectification (整改) of 改而不用 / 燃煤复烧 until the city closes it."""

import uuid as uuid_lib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from counties.models import County, Plan
from households.models import AcceptanceResult, Household, HouseholdStatus


class VisitFinding(models.TextChoices):
    # The four codes a desk-entered spot check may record (DESK_FINDINGS), plus two a field visit can end in.
    IN_USE = "in_use", _("正常使用")
    IDLE = "idle", _("改而不用")
    COAL_RESUMED = "coal_resumed", _("燃煤复烧")
    REMOVED = "removed", _("设备已拆除")
    VACANT = "vacant", _("无人居住")
    NOT_FOUND = "not_found", _("未找到")


# What a desk-entered check (CheckBatch) records: someone who found nobody home entered nothing.
DESK_FINDINGS = (VisitFinding.IN_USE, VisitFinding.IDLE, VisitFinding.COAL_RESUMED, VisitFinding.REMOVED)
# Findings that open a rectification.
RECTIFY_FINDINGS = (VisitFinding.IDLE, VisitFinding.COAL_RESUMED)
SAMPLE_STATUSES = (HouseholdStatus.COMPLETED, HouseholdStatus.ACCEPTED, HouseholdStatus.PAID)


class Sample(models.Model):
    """A frozen random sample of a plan's roster, reproducible from its seed and parameters."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="samples", verbose_name=_("年度方案"))
    counties = models.ManyToManyField(County, related_name="samples", verbose_name=_("县（市、区）"))
    rate = models.DecimalField(
        _("抽样比例"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    minimum = models.PositiveIntegerField(_("每县最少户数"), default=0)
    household_status = models.CharField(_("抽样范围（状态）"), max_length=12, choices=HouseholdStatus.choices)
    stratify = models.BooleanField(_("按改造类型分层"), default=False)
    seed = models.CharField(_("随机种子"), max_length=100)
    # SHA-256 of the roster the draw ran over (the population per county and stratum), so that
    # verify can tell "the roster changed" from "the stored households were altered".
    roster_digest = models.CharField(_("抽样名册摘要"), max_length=64)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="inspection_samples", verbose_name=_("检查人员")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("抽查样本")
        verbose_name_plural = _("抽查样本")

    def __str__(self) -> str:
        return f"{self.plan.year} #{self.pk} {self.seed}"


class SampleHousehold(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="entries")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="sample_entries")
    # Copied from the household so that scoping a sample by county needs no join.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["sample", "household"], name="sample_household_once")]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.household_id}"


class CheckBatch(models.Model):
    """A spot check (抽查) entered at a desk afterwards: one county, one day, who checked, and a visit
    (``Visit.batch``) per household checked. Before the two were one domain these were the roster's
    ``households.SpotCheck``; their ids were kept when they moved here."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="check_batches", verbose_name=_("年度方案"))
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="check_batches", verbose_name=_("县（市、区）")
    )
    checked_on = models.DateField(_("抽查日期"))
    inspector = models.CharField(_("检查人"), max_length=100)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")

    def __str__(self) -> str:
        return f"{self.county} {self.checked_on}"


class VisitKind(models.TextChoices):
    INSPECTION = "inspection", _("抽查")
    ACCEPTANCE = "acceptance", _("验收")


class Visit(models.Model):
    """One household visited in the field. ``uuid`` is made by the phone, so a retried upload is one visit."""

    uuid = models.UUIDField(_("客户端编号"), unique=True, default=uuid_lib.uuid4)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="visits", verbose_name=_("年度方案"))
    kind = models.CharField(_("类别"), max_length=12, choices=VisitKind.choices)
    sample = models.ForeignKey(
        Sample, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("抽查样本")
    )
    # Set for a desk-entered spot check's visits (no sample, photos or position); null for the field's.
    batch = models.ForeignKey(
        CheckBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="visits", verbose_name=_("抽查")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("改造户"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="visits", verbose_name=_("县（市、区）"))
    finding = models.CharField(_("检查结果"), max_length=15, choices=VisitFinding.choices, blank=True)
    acceptance_result = models.CharField(_("验收结果"), max_length=10, choices=AcceptanceResult.choices, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    visited_at = models.DateTimeField(_("检查时间"))
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Where the position came from: the phone (navigator.geolocation), a photo's EXIF, or none.
    position_source = models.CharField(_("位置来源"), max_length=10, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        indexes = [models.Index(fields=["plan", "county", "kind"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.finding or self.acceptance_result} {self.visited_at:%Y-%m-%d}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("已提交，待销号")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已销号")


class Rectification(models.Model):
    """整改: opened by a visit finding 改而不用 or 燃煤复烧; the county resolves, the city closes."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rectifications")
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("县（市、区）")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("改造户")
    )
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="rectification")
    finding = models.CharField(_("问题"), max_length=15, choices=VisitFinding.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    deadline = models.DateField(_("整改期限"))
    opened_at = models.DateTimeField(_("下发时间"), auto_now_add=True)
    resolution_note = models.TextField(_("整改情况"), max_length=2000, blank=True)
    resolved_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        indexes = [models.Index(fields=["plan", "county", "status"])]

    def __str__(self) -> str:
        return f"{self.county} {self.household_id} {self.status}"


def _photo_path(instance, filename):
    # Random names: a photo's path must not reveal whose house it is.
    return f"inspections/{uuid_lib.uuid4().hex}.jpg"


def _thumb_path(instance, filename):
    return f"inspections/thumbs/{uuid_lib.uuid4().hex}.jpg"


class Photo(models.Model):
    """A photo of a visit or of a rectification, re-encoded without EXIF; the original bytes are not kept."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.FileField(_("照片"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=_thumb_path, max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_format = models.CharField(max_length=10, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间（EXIF）"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visit__isnull=False, rectification__isnull=True)
                | models.Q(visit__isnull=True, rectification__isnull=False),
                name="photo_belongs_to_one",
            )
        ]

    def __str__(self) -> str:
        return f"photo {self.pk}"
