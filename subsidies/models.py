from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from counties.models import Plan, RetrofitType


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
