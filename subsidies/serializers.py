"""Input parsing and response schemas for the subsidy API. No business rules here (see services.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_schema import PERIOD_PATTERN
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


# The serializer lets a blank month or reason through so that the service refuses it in its own words
# (the page and the import say the same); the schema still says what is accepted: a month, some text.
@extend_schema_field({"type": "string", "maxLength": 7, "pattern": PERIOD_PATTERN})
class _ChangeMonthField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "maxLength": 2000, "pattern": r"\S"})
class _ChangeReasonField(serializers.CharField):
    pass


class RuleUpdateSerializer(serializers.Serializer):
    amount = MoneyField()
    effective_from = _ChangeMonthField(
        max_length=7,
        allow_blank=True,
        help_text="YYYY-MM, a month of the plan: the new rate applies to households completed in it and later",
        error_messages={"required": _("请选择新标准的生效月份（YYYY-MM）。")},
    )
    reason = _ChangeReasonField(
        max_length=2000,
        allow_blank=True,
        help_text="why the rate changes",
        error_messages={"required": _("请填写修改原因。")},
    )


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


# --- answers: render the dicts of subsidies.payloads (money already strings with two places) ---------


class RatePeriodSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="YYYY-MM, first month at this rate")
    end = serializers.CharField(
        help_text="YYYY-MM, last month at this rate (the plan's last month for the current rate)"
    )
    amount = serializers.CharField(help_text=MONEY_HELP)


class ShareSerializer(serializers.Serializer):
    units = serializers.JSONField(help_text="households (integer), or m² (string) for per-m² types")
    city_share = serializers.CharField()
    county_share = serializers.CharField()


class SubsidyTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    has_rule = serializers.BooleanField()
    rates = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_null=True)),
        help_text="per area class, per level: the rate in force in the as-of month (null where no rule is set)",
    )
    rate_periods = serializers.DictField(
        child=serializers.DictField(child=RatePeriodSerializer(many=True)),
        required=False,
        help_text=(
            "per area class, per level: the rates of the months up to the as-of month (more than one where a rate "
            "changed: each month's households at that month's rate); absent in settlements made before rates had months"
        ),
    )


def _shares_by_type() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.DictField(child=ShareSerializer()), help_text="per retrofit type code, per area class"
    )


class SubsidyRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    city_share = serializers.CharField()
    county_share = serializers.CharField()
    total = serializers.CharField()
    by_type = _shares_by_type()


class SubsidyTotalsSerializer(serializers.Serializer):
    city_share = serializers.CharField()
    county_share = serializers.CharField()
    total = serializers.CharField()


class SubsidyTableSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    period = serializers.CharField()
    types = SubsidyTypeSerializer(many=True)
    rows = SubsidyRowSerializer(many=True)
    by_type = _shares_by_type()
    totals = SubsidyTotalsSerializer()


class RuleChangeSerializer(serializers.Serializer):
    changed_by = serializers.CharField(allow_null=True, help_text="username; null for a change by the plan file")
    changed_at = serializers.CharField(help_text="ISO 8601")
    old_amount = serializers.CharField()
    new_amount = serializers.CharField()
    effective_from = serializers.CharField(help_text="YYYY-MM: the new rate applies from this month on")
    reason = serializers.CharField(allow_blank=True)


class RuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField(help_text="retrofit type code")
    type_name = serializers.CharField()
    area_class = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    amount = serializers.CharField(help_text="the current rate (of the plan's last month); " + MONEY_HELP)
    unit = serializers.CharField()
    periods = RatePeriodSerializer(
        many=True, help_text="the rate of each run of months: households completed in a month get that month's rate"
    )
    changes = RuleChangeSerializer(many=True)


class RulesSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    rules = RuleSerializer(many=True)


class _VoidFieldsSerializer(serializers.Serializer):
    voided = serializers.BooleanField()
    voided_at = serializers.CharField(allow_null=True, help_text="ISO 8601")
    voided_by = serializers.CharField(allow_null=True, help_text="username")
    void_reason = serializers.CharField(allow_blank=True)


class GridRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    invested = serializers.CharField()
    county_support = serializers.CharField()
    city_allocated = serializers.CharField()


class GridTotalsSerializer(serializers.Serializer):
    invested = serializers.CharField()
    county_support = serializers.CharField()
    city_allocated = serializers.CharField()


class GridInvestmentOutSerializer(_VoidFieldsSerializer):
    id = serializers.IntegerField()
    county = serializers.CharField()
    project = serializers.CharField()
    amount = serializers.CharField()
    invested_on = serializers.CharField(help_text="YYYY-MM-DD")
    recorded_by = serializers.CharField()
    recorded_at = serializers.CharField(help_text="ISO 8601")


class GridSerializer(serializers.Serializer):
    rate = serializers.CharField(help_text="the county's share of its grid investment, e.g. 0.15")
    city_total = serializers.CharField()
    # Only for callers who see every county (a clerk sees its own county's figures only).
    allocated = serializers.CharField(required=False)
    unallocated = serializers.CharField(required=False)
    rows = GridRowSerializer(many=True)
    totals = GridTotalsSerializer()
    investments = GridInvestmentOutSerializer(many=True)


class PaymentCellSerializer(serializers.Serializer):
    subsidy = serializers.CharField(help_text="retrofit subsidy due")
    grid = serializers.CharField(help_text="grid support due")
    due = serializers.CharField()
    paid = serializers.CharField(help_text="every payment not voided")
    outstanding = serializers.CharField()


def _by_level() -> serializers.DictField:
    return serializers.DictField(child=PaymentCellSerializer(), help_text="per level (city, county)")


class PaymentRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    levels = _by_level()


class PaymentOutSerializer(_VoidFieldsSerializer):
    id = serializers.IntegerField()
    county = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    paid_on = serializers.CharField(help_text="YYYY-MM-DD")
    document_number = serializers.CharField()
    amount = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField()
    recorded_at = serializers.CharField(help_text="ISO 8601")


class PaymentsSerializer(serializers.Serializer):
    period = serializers.CharField()
    rows = PaymentRowSerializer(many=True)
    totals = _by_level()
    payments = PaymentOutSerializer(many=True)


@extend_schema_field(SubsidyTableSerializer)
class StoredFiguresField(serializers.JSONField):
    """A settlement's figures as stored when it was frozen (subsidies.payloads.subsidy_payload): shown
    untouched, never recomputed, so an old settlement reads as it was signed."""


@extend_schema_field(SubsidyTotalsSerializer)
class StoredTotalsField(serializers.JSONField):
    pass


class SettlementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(allow_null=True)
    period = serializers.CharField()
    sha256 = serializers.CharField(help_text="of the stored workbook")
    created_by = serializers.CharField()
    created_at = serializers.CharField(help_text="ISO 8601")
    superseded_by = serializers.IntegerField(allow_null=True)
    current = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)
    totals = StoredTotalsField(allow_null=True)
    # One settlement (GET …/settlements/{id}/, and the answer to its creation) carries its figures.
    figures = StoredFiguresField(required=False)


class SettlementsSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    settlements = SettlementSerializer(many=True)
