import calendar
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaClass(models.TextChoices):
    URBAN = "urban", _("中心城区及县城")
    RURAL = "rural", _("农村")


class Unit(models.TextChoices):
    HOUSEHOLD = "household", _("户")
    M2 = "m2", _("平方米")


class PlanStatus(models.TextChoices):
    # A draft is the city office's work in progress: nobody else sees it and nothing is filed for it.
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已下达")
    # After its last reporting month: reports, payments and settlements become read-only.
    CLOSED = "closed", _("已结束")


class Plan(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    document_date = models.DateField(_("印发日期"))
    deadline = models.DateField(_("完成期限"))
    m2_per_household = models.DecimalField(
        _("每户折算面积（㎡）"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # 配套电网: the city's lump sum and the share of its own investment each county pays.
    grid_city_total = models.DecimalField(
        _("市级配套电网补贴总额（元）"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    grid_county_rate = models.DecimalField(
        _("县级配套电网补贴比例"), max_digits=5, decimal_places=4, default=Decimal("0")
    )
    # The monthly report is due on this day of the following month; empty: the month's own last day.
    report_due_day = models.PositiveSmallIntegerField(
        _("月报截止日（次月）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("次月几日前报送上月月报；留空则为当月最后一天。"),
    )
    # Who started, published and closed the year, and when (empty for a plan loaded from a file).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("下达人"),
    )
    published_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结束人"),
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度方案")
        verbose_name_plural = _("年度方案")

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == PlanStatus.CLOSED

    @property
    def first_period(self) -> str:
        return self.document_date.strftime("%Y-%m")

    @property
    def last_period(self) -> str:
        return self.deadline.strftime("%Y-%m")

    def period_deadline(self, period: str) -> date:
        """The last day for a month's report: that month's last day, or ``report_due_day`` of the next."""
        year, month = int(period[:4]), int(period[5:7])
        if not self.report_due_day:
            return date(year, month, calendar.monthrange(year, month)[1])
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return date(year, month, self.report_due_day)

    def periods(self) -> list[str]:
        """Every reporting month from the plan's issue to its deadline, as ``YYYY-MM``."""
        result = []
        current = date(self.document_date.year, self.document_date.month, 1)
        while (current.year, current.month) <= (self.deadline.year, self.deadline.month):
            result.append(current.strftime("%Y-%m"))
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return result


class County(models.Model):
    code = models.CharField(
        _("行政区划代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{6}(\d{3})?$", _("行政区划代码应为6位或9位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveIntegerField(_("附件顺序"), default=0)
    files_reports = models.BooleanField(
        _("按月报送"),
        default=True,
        help_text=_("有年度目标任务、须按月报送进度的县（市、区）。"),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("县（市、区）")
        verbose_name_plural = _("县（市、区）")

    def __str__(self) -> str:
        return self.name


class RetrofitType(models.Model):
    """A kind of retrofit. Data, not an enum, so that a later plan can add one (生物质 …)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    unit = models.CharField(_("计量单位"), max_length=10, choices=Unit.choices, default=Unit.HOUSEHOLD)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    department = models.CharField(_("牵头市直部门"), max_length=50, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("改造类型")
        verbose_name_plural = _("改造类型")

    def __str__(self) -> str:
        return self.name

    @property
    def is_area(self) -> bool:
        return self.unit == Unit.M2


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("年度方案"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="targets", verbose_name=_("县（市、区）"))
    retrofit_type = models.ForeignKey(
        RetrofitType, on_delete=models.PROTECT, related_name="targets", verbose_name=_("改造类型")
    )
    households = models.PositiveIntegerField(_("目标户数"))
    area_m2 = models.DecimalField(
        _("目标面积（㎡）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["county__order", "retrofit_type__order"]
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "county", "retrofit_type"], name="target_unique_per_plan_county_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.county} {self.retrofit_type}: {self.households}"


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    COUNTY_CLERK = "county_clerk", _("县级填报员")
    CITY_OFFICE = "city_office", _("市清洁取暖办")
    FINANCE = "finance", _("市财政局")
    DEPARTMENT = "department", _("市直部门")
    ADMIN = "admin", _("系统管理员")
    # Field roles (issue 14): city-level check teams and third-party acceptance firms. They see only
    # the inspection pages of their own work, never reports, roster lists or money.
    INSPECTOR = "inspector", _("检查人员")
    ACCEPTOR = "acceptor", _("第三方验收机构")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clerks",
        verbose_name=_("所属县（市、区）"),
    )
    department_name = models.CharField(_("部门名称"), max_length=50, blank=True)
    # An inspector may be limited to some counties (none: every county); an acceptor sees only the
    # counties it was engaged for (none: no county).
    counties = models.ManyToManyField(
        County, blank=True, related_name="field_staff", verbose_name=_("负责的县（市、区）（检查、验收）")
    )
    retrofit_types = models.ManyToManyField(RetrofitType, blank=True, verbose_name=_("负责的改造类型"))
    # The plan year chosen in the header's year switch (none: the current plan).
    plan_year = models.PositiveIntegerField(_("当前查看的年度"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")

    def __str__(self) -> str:
        return str(self.user)


class DocumentKind(models.TextChoices):
    BULLETIN = "bulletin", _("月度通报")
    SETTLEMENT = "settlement", _("结算函")
    ASSESSMENT = "assessment", _("考核结果通报")


class DocumentNumber(models.Model):
    """A 文号 the system gave a document of a plan year: serials run per year and issuer, one per document.

    The city office may correct the text (an office that numbers its documents elsewhere keeps its own
    number); the serial stays, so the next document's number never repeats one already issued.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="document_numbers")
    # Each issuing office numbers its own documents: the city office its bulletins and assessment
    # notices, the finance bureau its settlement letters.
    prefix = models.CharField(_("发文字号"), max_length=20)
    kind = models.CharField(_("公文类别"), max_length=20, choices=DocumentKind.choices)
    # What the document is about within its kind: the month of a bulletin, a settlement's id.
    subject = models.CharField(_("事由"), max_length=40)
    serial = models.PositiveIntegerField(_("年度序号"))
    number = models.CharField(_("文号"), max_length=60)
    issued_on = models.DateField(_("成文日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("编号人")
    )
    issued_at = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公文文号")
        verbose_name_plural = _("公文文号")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "subject"], name="document_number_once_per_subject"),
            models.UniqueConstraint(fields=["plan", "prefix", "serial"], name="document_serial_unique_per_year"),
        ]

    def __str__(self) -> str:
        return self.number


class TargetAdjustment(models.Model):
    """A change of a county's target for a type (省里调剂、追加任务): the value before and after, the month
    from which the new value is in force, the reason and 文号, who recorded it and when.

    ``Target`` keeps the current value; figures as of an earlier month read the old value from here
    (``counties.selectors.targets_in_force``), so that a month's progress, ranking and bulletin never
    change after the fact. Written only by ``counties.services.target_adjust``.
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("目标任务"))
    old_households = models.PositiveIntegerField(_("调整前户数"))
    new_households = models.PositiveIntegerField(_("调整后户数"))
    old_area_m2 = models.DecimalField(_("调整前面积（㎡）"), max_digits=14, decimal_places=2, null=True, blank=True)
    new_area_m2 = models.DecimalField(_("调整后面积（㎡）"), max_digits=14, decimal_places=2, null=True, blank=True)
    effective_period = models.CharField(
        _("生效月份"),
        max_length=7,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("月份格式应为 YYYY-MM，如 2021-08。"))],
    )
    reason = models.CharField(_("调整原因"), max_length=500)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("目标任务调整")
        verbose_name_plural = _("目标任务调整")
        indexes = [models.Index(fields=["target", "effective_period"], name="target_adjustment_by_month")]

    def __str__(self) -> str:
        return f"{self.target.county} {self.target.retrofit_type} {self.old_households}→{self.new_households}"
