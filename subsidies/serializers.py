"""Input parsing and response schemas for the subsidy API. No business rules here (see services.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subsidies.models import Level

MONEY_HELP = 'yuan as a string with at most 2 decimal places, e.g. "2100.00"'
# What services.parse_money accepts, as the schema says it (it also forgives commas and spaces): below
# 10¹² yuan, at most 2 places; POSITIVE_MONEY also refuses 0.
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
POSITIVE_MONEY_PATTERN = r"^0*([1-9][0-9]{0,11}(\.[0-9]{1,2})?|0?\.(0[1-9]|[1-9][0-9]?))$"


class _Money(serializers.CharField):
    """A yuan amount as a string. A JSON number is refused: 0.1 + 0.2 is not money."""

    def __init__(self, **kwargs):
        super().__init__(max_length=20, help_text=MONEY_HELP, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "maxLength": 20, "pattern": MONEY_PATTERN, "description": MONEY_HELP})
class MoneyField(_Money):
    pass


@extend_schema_field({"type": "string", "maxLength": 20, "pattern": POSITIVE_MONEY_PATTERN, "description": MONEY_HELP})
class PositiveMoneyField(_Money):
    pass


class RuleUpdateSerializer(serializers.Serializer):
    amount = MoneyField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class GridInvestmentSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    project = serializers.CharField(max_length=200)
    amount = PositiveMoneyField()
    invested_on = serializers.DateField()


class GridAllocationSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12)
    amount = MoneyField()


class PaymentSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12)
    level = serializers.ChoiceField(choices=Level.choices)
    paid_on = serializers.DateField()
    document_number = serializers.CharField(max_length=100)
    amount = PositiveMoneyField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class VoidSerializer(serializers.Serializer):
    # Required (the schema says so); a blank one gets the service's own message.
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="why the entry is voided",
        error_messages={"required": _("请填写作废原因。")},
    )


class SettlementCreateSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7)
    supersede = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ShareSerializer(serializers.Serializer):
    units = serializers.JSONField(help_text="households (integer), or m² (string) for per-m² types")
    city_share = serializers.CharField()
    county_share = serializers.CharField()


class SubsidyRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    city_share = serializers.CharField()
    county_share = serializers.CharField()
    total = serializers.CharField()
    by_type = serializers.DictField(child=serializers.DictField(child=ShareSerializer()))


class SubsidyTotalsSerializer(serializers.Serializer):
    city_share = serializers.CharField()
    county_share = serializers.CharField()
    total = serializers.CharField()


class SubsidyTableSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    period = serializers.CharField()
    types = serializers.ListField(child=serializers.DictField())
    rows = SubsidyRowSerializer(many=True)
    by_type = serializers.DictField(child=serializers.DictField(child=ShareSerializer()))
    totals = SubsidyTotalsSerializer()
