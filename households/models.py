from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from counties.models import AreaClass, County, Plan, RetrofitType


class HouseholdStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    COMPLETED = "completed", _("已完工")
    ACCEPTED = "accepted", _("已验收")
    PAID = "paid", _("已拨付补助")


class Hardship(models.TextChoices):
    NONE = "none", _("无")
    POVERTY = "poverty", _("建档立卡贫困户")
    DIBAO = "dibao", _("低保户")
    WUBAO = "wubao", _("五保户")


# The roster's ?hardship= filter: one category, or any of the three.
HARDSHIP_ANY = "any"
HARDSHIP_CATEGORIES = [(c.value, c.label) for c in Hardship if c != Hardship.NONE]


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


class Household(models.Model):
    """One retrofitted household (改造户) on a plan's roster. An ID number is registered once per plan, city-wide."""

    # No single-column indexes on the foreign keys: the composite indexes below start with plan and
    # county, and every index costs time on a 100,000-row import.
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="households", verbose_name=_("年度方案"), db_index=False
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="households", verbose_name=_("县（市、区）"), db_index=False
    )
    township = models.CharField(_("乡镇"), max_length=50)
    village = models.CharField(_("村"), max_length=50)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    # ID and phone numbers only through households.pii: never in clear (个人信息保护法, GB/T 39786).
    pii_cipher = models.CharField(_("身份证号及联系电话（SM4密文）"), max_length=128, blank=True)
    # HMAC-SM3 blind indexes: uniqueness per plan, the cross-year check and exact search. NULL once purged.
    id_number_index = models.CharField(_("身份证号索引"), max_length=64, null=True, blank=True)  # noqa: DJ001
    phone_index = models.CharField(_("联系电话索引"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    phone_masked = models.CharField(_("联系电话（脱敏）"), max_length=20, blank=True)
    retrofit_type = models.ForeignKey(
        RetrofitType, on_delete=models.PROTECT, related_name="households", verbose_name=_("改造类型"), db_index=False
    )
    area_class = models.CharField(_("城乡"), max_length=10, choices=AreaClass.choices)
    area_m2 = models.DecimalField(
        _("面积（㎡）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    hardship = models.CharField(_("困难类别"), max_length=10, choices=Hardship.choices, default=Hardship.NONE)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.REGISTERED
    )
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    accepted_by = models.CharField(_("验收单位"), max_length=100, blank=True)
    acceptance_result = models.CharField(_("验收结果"), max_length=10, choices=AcceptanceResult.choices, blank=True)
    paid_on = models.DateField(_("补助拨付日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        # Columns of this table only, in the order of the index below: a page of the roster is read
        # off that index, never sorted (ordering by the county table's ``order`` sorted a whole plan).
        ordering = ["county_id", "township", "village", "id"]
        verbose_name = _("改造户")
        verbose_name_plural = _("改造户")
        constraints = [
            # The index first: it also serves the cross-year check (an ID completed under an earlier plan,
            # selectors.id_numbers_known) without another index to write on every import.
            models.UniqueConstraint(fields=["id_number_index", "plan"], name="household_id_index_once_per_plan"),
        ]
        indexes = [
            models.Index(fields=["plan", "county", "retrofit_type", "status"]),
            models.Index(fields=["plan", "county", "township", "village", "id"], name="household_roster_order"),
            # The hardship households (a few per cent): their list and per-county counts read only them.
            models.Index(
                fields=["plan", "county", "township", "village", "id"],
                name="household_hardship_order",
                condition=~models.Q(hardship="none"),
            ),
            # A county's name search (selectors.households_filter): LIKE 'q%' on PostgreSQL (pattern ops), a
            # range on SQLite (which ignores opclasses). City-wide searches use migration 0004's (plan, head_name).
            models.Index(
                fields=["plan", "county", "head_name"],
                name="household_county_name",
                opclasses=["int8_ops", "int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.village} {self.head_name}"


class PersonalDataAction(models.TextChoices):
    EXPORT = "export", _("导出完整身份证号")
    REVEAL = "reveal", _("查看完整身份证号")
    PURGE = "purge", _("清除个人信息")


class ExportAudit(models.Model):
    """Who saw whole ID numbers (an export, or one household shown), or purged them; when, how many rows (个人信息保护法)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(
        _("操作"), max_length=10, choices=PersonalDataAction.choices, default=PersonalDataAction.EXPORT
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(_("行数"))
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("完整身份证号导出、查看与清除记录")
        verbose_name_plural = _("完整身份证号导出、查看与清除记录")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.rows}"


class RosterSummary(models.Model):
    """Households and m² of a plan's roster per county × type × area class × status.

    Reconciliation and every payable figure read this (a few hundred rows) instead of the roster.
    Kept by ``households.roster_summary.summary_recount``, which every service writing the roster calls
    in its own transaction; ``manage.py rebuild_roster_summary`` recounts everything.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", db_index=False)
    retrofit_type = models.ForeignKey(RetrofitType, on_delete=models.CASCADE, related_name="+", db_index=False)
    area_class = models.CharField(max_length=10, choices=AreaClass.choices)
    status = models.CharField(max_length=12, choices=HouseholdStatus.choices)
    # The month the households were completed, YYYY-MM ("": not completed yet): a rate change
    # applies from a month on, so the payable figures need each month's households.
    completed_period = models.CharField(max_length=7, default="", blank=True)
    households = models.PositiveIntegerField(default=0)
    area_m2 = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("花名册汇总")
        verbose_name_plural = _("花名册汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "county", "retrofit_type", "area_class", "status", "completed_period"],
                name="roster_summary_once_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.county_id} {self.retrofit_type_id} {self.area_class} {self.status}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RosterExport(models.Model):
    """A whole-roster export written by a background task (households/tasks.py); the file is deleted once
    downloaded or after ROSTER_EXPORT_KEEP_MINUTES."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file_name = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("花名册后台导出")
        verbose_name_plural = _("花名册后台导出")

    def __str__(self) -> str:
        return f"{self.user} {self.plan_id} {self.status}"


class IndexKeyFingerprint(models.Model):
    """The fingerprint of the PII_INDEX_KEY the stored blind indexes were made with (one row).

    Written on the first migrate and by ``rotate_pii_key``; the system check ``households.E050``
    compares it with the configured key at start-up, so that a changed key is refused instead of
    silently finding nothing (exact search) or registering duplicates (re-imports).
    """

    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("身份证号索引密钥指纹")
        verbose_name_plural = _("身份证号索引密钥指纹")

    def __str__(self) -> str:
        return self.fingerprint[:12]


class HardshipGuarantee(models.Model):
    """What a county guarantees its hardship households (兜底) in a plan year, as it last recorded it.

    Append-only: each change is a new row, the latest per county is in force, the older ones are its
    history (who, when, 文号). Amounts are per household: one-time, on top of the retrofit subsidy, and
    per heating season, on top of the operating subsidy.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    one_time_extra = models.DecimalField(_("一次性兜底补助（元/户）"), max_digits=14, decimal_places=2)
    seasonal_extra = models.DecimalField(_("每采暖季兜底补助（元/户）"), max_digits=14, decimal_places=2)
    pays_household_share = models.BooleanField(_("县级承担农户自筹部分"), default=False)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("困难群众兜底政策")
        verbose_name_plural = _("困难群众兜底政策")
        indexes = [models.Index(fields=["plan", "county", "-recorded_at", "-id"], name="hardship_guarantee_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(one_time_extra__gte=0) & models.Q(seasonal_extra__gte=0),
                name="hardship_guarantee_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.county} {self.one_time_extra}/{self.seasonal_extra}"
