"""Shapes of report requests and responses. Parsing only: every rule lives in reports.services."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import NARRATIVE_MAX_LENGTH, Report, ReportEvent, ReportStatus
from reports.services import REASON_MAX_LENGTH

# Versions start at 1 (Report.version); the upper bound is the database's integer.
VERSION_MAX = 2**31 - 1


class ReportCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=9999, help_text="plan year, e.g. 2021")
    county = serializers.CharField(
        required=False, allow_null=True, help_text="county code; omitted for a department report"
    )
    period = serializers.CharField(help_text="YYYY-MM")
    lines = serializers.ListField(child=serializers.DictField(), required=False)
    narrative = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NARRATIVE_MAX_LENGTH
    )
    problems = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NARRATIVE_MAX_LENGTH
    )


class ReportUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=VERSION_MAX, help_text="the version you read; a stale one gets 409"
    )
    lines = serializers.ListField(child=serializers.DictField(), required=False, help_text="replaces all lines")
    narrative = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NARRATIVE_MAX_LENGTH
    )
    problems = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NARRATIVE_MAX_LENGTH
    )


class ActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=VERSION_MAX)


class ReasonSerializer(serializers.Serializer):
    # Required, not blank, at most REASON_MAX_LENGTH: as the service rules, so that the schema says it too.
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("请填写原因。"), "blank": _("请填写原因。")},
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=VERSION_MAX)


class ReportLineOutSerializer(serializers.Serializer):
    type = serializers.CharField(source="retrofit_type.code")
    area_class = serializers.CharField()
    households = serializers.SerializerMethodField()
    area_m2 = serializers.SerializerMethodField()

    def get_households(self, line) -> int | None:
        return None if line.retrofit_type.is_area else line.households

    def get_area_m2(self, line) -> str | None:
        return str(line.area_m2) if line.retrofit_type.is_area else None


class ReportSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan.year")
    county = serializers.CharField(source="county.code", allow_null=True, default=None)
    county_name = serializers.CharField(source="county.name", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    is_late = serializers.BooleanField()
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "plan",
            "county",
            "county_name",
            "department",
            "period",
            "status",
            "status_label",
            "version",
            "deadline",
            "submitted_at",
            "last_submitted_at",
            "approved_at",
            "is_late",
            "return_reason",
            "narrative",
            "problems",
            "lines",
            "created_at",
            "updated_at",
        ]

    def get_lines(self, report) -> list[dict]:
        # The view prefetches `visible_lines`, already narrowed to the caller's retrofit types.
        lines = getattr(report, "visible_lines", None)
        if lines is None:
            lines = list(report.lines.select_related("retrofit_type"))
        return ReportLineOutSerializer(lines, many=True).data


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")
    action_label = serializers.CharField(source="get_action_display")

    class Meta:
        model = ReportEvent
        fields = ["id", "at", "actor", "action", "action_label", "reason", "changes", "version"]


# --- progress (GET /plans/{year}/progress/): renders reports.selectors.progress_table -----------------


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "description": "households: an integer, or a decimal string where m² converted to households is fractional",
    }
)
class UnitsField(serializers.Field):
    def to_representation(self, value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else str(value)
        return value


@extend_schema_field({"type": "string", "description": 'm² with two places, e.g. "1000.00"'})
class SquareMetresField(serializers.Field):
    """m² as a string with two places ("1000.00")."""

    def to_representation(self, value) -> str:
        return str(Decimal(value).quantize(Decimal("0.01")))


class ProgressCellSerializer(serializers.Serializer):
    target = serializers.IntegerField(help_text="households")
    completed = UnitsField(help_text="approved reports up to the period")
    pending = UnitsField(help_text="submitted, not yet approved")
    rate = serializers.CharField(allow_null=True, help_text="completed ÷ target, 4 places; null without a target")
    # m² types only (building_retrofit): the same figures in m².
    target_m2 = SquareMetresField(required=False)
    completed_m2 = SquareMetresField(required=False)
    pending_m2 = SquareMetresField(required=False)


class ProgressRowSerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    types = serializers.DictField(child=ProgressCellSerializer(), help_text="per retrofit type code")
    total = ProgressCellSerializer()


class ProgressTotalsSerializer(serializers.Serializer):
    types = serializers.DictField(child=ProgressCellSerializer(), help_text="per retrofit type code")
    total = ProgressCellSerializer()


class ProgressSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.year")
    period = serializers.CharField()
    rows = ProgressRowSerializer(many=True)
    totals = ProgressTotalsSerializer()


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target = serializers.IntegerField(help_text="households")
    completed = UnitsField(help_text="approved reports up to the year's last month")
    rate = serializers.CharField(allow_null=True, help_text="completed ÷ target, 4 places; null without a target")


class YearTypeFiguresSerializer(YearFiguresSerializer):
    retrofit_type = serializers.CharField(help_text="retrofit type code")


class YearsTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class YearsCountySerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    cells = YearTypeFiguresSerializer(many=True, help_text="per retrofit type and year")
    totals = YearFiguresSerializer(many=True, help_text="every type together, per year")


class YearsCitySerializer(serializers.Serializer):
    cells = YearTypeFiguresSerializer(many=True)
    totals = YearFiguresSerializer(many=True)


class YearsProgressSerializer(serializers.Serializer):
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text="published and closed years, oldest first"
    )
    types = YearsTypeSerializer(many=True)
    rows = YearsCountySerializer(many=True)
    city = YearsCitySerializer()
