from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from counties.models import County, Plan, RetrofitType


class RuleAreaClass(models.TextChoices):
    URBAN = "urban", _("中心城区及县城")
    RURAL = "rural", _("农村")
    ANY = "any", _("不分城乡")


class Level(models.TextChoices):
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class SubsidyRule(models.Model):
    """One-time retrofit subsidy per household (or per m² for area-measured types)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="subsidy_rules", verbose_name=_("年度方案"))
    retrofit_type = models.ForeignKey(
        RetrofitType, on_delete=models.PROTECT, related_name="subsidy_rules", verbose_name=_("改造类型")
    )
    area_class = models.CharField(_("城乡"), max_length=10, choices=RuleAreaClass.choices)
    level = models.CharField(_("出资层级"), max_length=10, choices=Level.choices)
    amount = models.DecimalField(
        _("补助标准（元/户或元/㎡）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["plan", "retrofit_type__order", "area_class", "level"]
        verbose_name = _("补助标准")
        verbose_name_plural = _("补助标准")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "retrofit_type", "area_class", "level"], name="subsidy_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.retrofit_type} {self.get_area_class_display()} {self.get_level_display()} {self.amount}"


class SubsidyRuleChange(models.Model):
    """A rate change of a rule: who, when, from what to what, why, and from which month it applies.

    The change sets the rule's rate for ``effective_from`` and every later month of the plan;
    households completed in earlier months keep the rate in force then
    (``subsidies.rates.rule_periods``). ``changed_by`` is empty for a change made by loading
    the plan file (``load_plan``), which runs without a user.
    """

    rule = models.ForeignKey(SubsidyRule, on_delete=models.CASCADE, related_name="changes", verbose_name=_("补助标准"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)
    old_amount = models.DecimalField(_("原标准"), max_digits=12, decimal_places=2)
    new_amount = models.DecimalField(_("新标准"), max_digits=12, decimal_places=2)
    effective_from = models.CharField(_("生效月份"), max_length=7, help_text=_("YYYY-MM，方案报送期内的月份"))
    reason = models.TextField(_("修改原因"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("补助标准修改记录")
        verbose_name_plural = _("补助标准修改记录")

    def __str__(self) -> str:
        return f"{self.rule}: {self.old_amount} → {self.new_amount} ({self.effective_from})"


MONEY = {"max_digits": 14, "decimal_places": 2}


class Voidable(models.Model):
    """A mistaken entry is voided (作废), never deleted: who, when and why are kept; totals skip it."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
    )
    void_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class GridInvestment(Voidable):
    """A county's grid-retrofit (煤改电配套电网) investment: project, amount, date."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="grid_investments", verbose_name=_("年度方案")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="grid_investments", verbose_name=_("县（市、区）")
    )
    project = models.CharField(_("项目名称"), max_length=200)
    amount = models.DecimalField(_("投资额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    invested_on = models.DateField(_("投资日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["county__order", "invested_on", "pk"]
        verbose_name = _("配套电网投资")
        verbose_name_plural = _("配套电网投资")

    def __str__(self) -> str:
        return f"{self.county} {self.project} {self.amount}"


class GridAllocation(models.Model):
    """The part of the city's grid-support total that the finance bureau allocates to a county."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="grid_allocations", verbose_name=_("年度方案")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="grid_allocations", verbose_name=_("县（市、区）")
    )
    amount = models.DecimalField(_("分配金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("分配人")
    )
    allocated_at = models.DateTimeField(_("分配时间"), auto_now=True)

    class Meta:
        ordering = ["county__order"]
        verbose_name = _("市级配套电网补贴分配")
        verbose_name_plural = _("市级配套电网补贴分配")
        constraints = [models.UniqueConstraint(fields=["plan", "county"], name="grid_allocation_one_per_county")]

    def __str__(self) -> str:
        return f"{self.county} {self.amount}"


class Payment(Voidable):
    """A disbursement (拨付) of one paying level's money to a county."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subsidy_payments", verbose_name=_("年度方案")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="subsidy_payments", verbose_name=_("县（市、区）")
    )
    level = models.CharField(_("出资层级"), max_length=10, choices=Level.choices)
    paid_on = models.DateField(_("拨付日期"))
    document_number = models.CharField(_("拨付文号"), max_length=100)
    amount = models.DecimalField(_("拨付金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("超额拨付说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["county__order", "level", "paid_on", "pk"]
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")

    def __str__(self) -> str:
        return f"{self.county} {self.get_level_display()} {self.paid_on} {self.document_number} {self.amount}"


class Settlement(models.Model):
    """A frozen settlement: the figures as of a period, stored, never recomputed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("年度方案"))
    period = models.CharField(_("截至月份"), max_length=7)
    # The API payload of the subsidy table as it was (money as strings).
    figures = models.JSONField(_("结算数据"))
    xlsx = models.BinaryField(_("导出文件"))
    sha256 = models.CharField(_("导出文件 SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("结算人")
    )
    created_at = models.DateTimeField(_("结算时间"), auto_now_add=True)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("被以下结算取代"),
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("结算快照")
        verbose_name_plural = _("结算快照")

    def __str__(self) -> str:
        return f"{self.plan.year} {self.period} #{self.pk}"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None
