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
    adjusted = serializers.ListField(
        child=serializers.CharField(), help_text="type codes whose target was adjusted (已调整): current values shown"
    )


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


class TargetAdjustmentInputSerializer(serializers.Serializer):
    """A target change: the new value in households, or in m² for a type measured in m²."""

    county = serializers.CharField(help_text="county code, e.g. 140802")
    type = serializers.CharField(help_text="retrofit type code, e.g. coal_to_gas")
    households = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10_000_000)
    area_m2 = serializers.DecimalField(
        required=False, allow_null=True, max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    effective_period = serializers.CharField(max_length=7, help_text="YYYY-MM, a month of the plan")
    reason = serializers.CharField(max_length=500, allow_blank=True)
    document_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TargetAdjustmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    county = serializers.CharField(source="target.county.code")
    county_name = serializers.CharField(source="target.county.name")
    type = serializers.CharField(source="target.retrofit_type.code")
    type_name = serializers.CharField(source="target.retrofit_type.name")
    old_households = serializers.IntegerField()
    new_households = serializers.IntegerField()
    old_area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    new_area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    effective_period = serializers.CharField()
    reason = serializers.CharField()
    document_number = serializers.CharField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_created_by(self, obj) -> str:
        from core.people import person

        return person(obj.created_by)


# --- plan years (GET/POST /plans/, targets import, publish, close) ----------------------------------


class PlanSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["draft", "published", "closed"])
    document_number = serializers.CharField()
    document_date = serializers.DateField()
    deadline = serializers.DateField()
    report_due_day = serializers.IntegerField(
        allow_null=True, help_text="day of the following month a report is due; null: the month's last day"
    )
    periods = serializers.SerializerMethodField()

    def get_periods(self, plan) -> list[str]:
        return plan.periods()


class PlanCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    document_date = serializers.DateField()
    deadline = serializers.DateField()
    report_due_day = serializers.IntegerField(min_value=1, max_value=28, required=False, allow_null=True, default=None)
    copy_from = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="year of an earlier plan to copy"
    )


class TargetsImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)


class TargetChangeSerializer(serializers.Serializer):
    county = serializers.CharField(help_text="the county's Chinese name")
    county_code = serializers.CharField()
    type = serializers.CharField(help_text="retrofit type code")
    type_name = serializers.CharField()
    old = serializers.CharField(help_text="households, or m² for a type measured in m²")
    new = serializers.CharField()


class TargetsImportResultSerializer(serializers.Serializer):
    changes = TargetChangeSerializer(many=True)
    errors = serializers.ListField(child=serializers.CharField())
    applied = serializers.BooleanField()
