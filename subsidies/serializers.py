"""Input parsing and response schemas for the subsidy API. No business rules here (see services.py)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from subsidies.models import Level

MONEY_HELP = 'yuan as a string with at most 2 decimal places, e.g. "2100.00"'


class RuleUpdateSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=20, help_text=MONEY_HELP)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class GridInvestmentSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    project = serializers.CharField(max_length=200)
    amount = serializers.CharField(max_length=20, help_text=MONEY_HELP)
    invested_on = serializers.DateField()


class GridAllocationSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12)
    amount = serializers.CharField(max_length=20, help_text=MONEY_HELP)


class PaymentSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12)
    level = serializers.ChoiceField(choices=Level.choices)
    paid_on = serializers.DateField()
    document_number = serializers.CharField(max_length=100)
    amount = serializers.CharField(max_length=20, help_text=MONEY_HELP)
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
