from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counties.models import AreaClass, County, Plan, RetrofitType

NARRATIVE_MAX_LENGTH = 5000
PERIOD_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("月份应为 YYYY-MM 格式，如 2021-07。"))


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


class Report(models.Model):
    """A monthly report (月报): a county's (with counts) or a city department's (narrative only)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("年度方案"))
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("县（市、区）")
    )
    # A city department's own narrative report has no county; the department's name identifies it.
    department = models.CharField(_("市直部门"), max_length=50, blank=True)
    period = models.CharField(_("月份"), max_length=7, validators=[PERIOD_VALIDATOR])
    # Last day of the period's month, kept so that lateness can be computed in the database.
    deadline = models.DateField(_("报送截止日"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    narrative = models.TextField(
        _("当月工作推进情况"), blank=True, validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
    )
    problems = models.TextField(
        _("存在问题及下步打算"), blank=True, validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
    )
    return_reason = models.TextField(_("退回或重新打开原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # First submission decides lateness; resubmissions after a return do not make a report late.
    submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period", "county__order", "department"]
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "county", "period"],
                condition=Q(county__isnull=False),
                name="report_one_per_county_month",
            ),
            models.UniqueConstraint(
                fields=["plan", "department", "period"],
                condition=Q(county__isnull=True),
                name="report_one_per_department_month",
            ),
            models.CheckConstraint(
                condition=(Q(county__isnull=False) & Q(department="")) | (Q(county__isnull=True) & ~Q(department="")),
                name="report_is_county_xor_department",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status", "period"])]

    def __str__(self) -> str:
        return f"{self.county or self.department} {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)

    @property
    def is_late(self) -> bool:
        if self.submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) > self.deadline


class ReportLine(models.Model):
    """Completed this month for one retrofit type and area class (households, or m² for area types)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    retrofit_type = models.ForeignKey(
        RetrofitType, on_delete=models.PROTECT, related_name="+", verbose_name=_("改造类型")
    )
    area_class = models.CharField(_("城乡"), max_length=10, choices=AreaClass.choices)
    households = models.PositiveIntegerField(_("本月完成户数"), default=0)
    area_m2 = models.DecimalField(
        _("本月完成面积（㎡）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["retrofit_type__order", "area_class"]
        constraints = [
            models.UniqueConstraint(fields=["report", "retrofit_type", "area_class"], name="report_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.retrofit_type.code}/{self.area_class}"


class ReportAction(models.TextChoices):
    CREATE = "create", _("创建")
    EDIT = "edit", _("修改")
    SUBMIT = "submit", _("报送")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    REOPEN = "reopen", _("重新打开")


class ReportEvent(models.Model):
    """Audit trail: who did what to a report, when, and which values changed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=10, choices=ReportAction.choices)
    reason = models.TextField(_("原因"), blank=True)
    # {"lines": {"coal_to_electric/urban": {"before": 0, "after": 120}}, "fields": {"narrative": {...}}}
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("变更后版本"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("月报操作记录")
        verbose_name_plural = _("月报操作记录")

    def __str__(self) -> str:
        return f"{self.report} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One reminder e-mail per county, period and day, so that remind_overdue is idempotent per day."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7, validators=[PERIOD_VALIDATOR])
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "period", "sent_on"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.county} {self.period} {self.sent_on}"
