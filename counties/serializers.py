"""The plan's answers (GET /plans/{year}/targets/), rendered from counties.selectors.plan_target_table."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def decimal_str(value) -> str:
    """m² as the annex writes them: "511400", or "1234.5" where there are places."""
    return format(value.normalize() if value == value.to_integral() else value, "f")


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}, "description": "m² per type code"})
class AreaField(serializers.Field):
    def to_representation(self, value: dict[str, Decimal]) -> dict[str, str]:
        return {code: decimal_str(area) for code, area in value.items()}


class TargetRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    targets = serializers.DictField(child=serializers.IntegerField(), help_text="households per type code")
    area_m2 = AreaField(help_text="m² per type code, for the types measured in m²")
    total = serializers.IntegerField()


@extend_schema_field(
    {
        "type": "object",
        "description": "the 合计 row: households per type code, `total`, and `area_m2` (m² per type code)",
        "properties": {
            "total": {"type": "integer"},
            "area_m2": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "required": ["total", "area_m2"],
        "additionalProperties": {"type": "integer"},
    }
)
class TargetTotalsField(serializers.Field):
    """The type codes sit beside ``total`` in one object, as the annex's 合计 row always answered."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, table: dict) -> dict:
        return {**table["totals"], "area_m2": AreaField().to_representation(table["area_totals"])}


class TargetsSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.year")
    rows = TargetRowSerializer(many=True)
    totals = TargetTotalsField()
