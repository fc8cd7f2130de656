"""Input parsing and response schemas of the assessment API. No rules here (see rules.py, services.py):
the request serializers say the shapes the services accept, so that the schema says them too; ranges,
sums and limits are the services' to refuse, with their own messages."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import rules as R
from assessments.models import AssessmentStatus, ObjectionStatus

ID_MAX = 2**63 - 1
# Points, weights and coefficients: at most 3 digits and 2 places (rules.scheme_clean, services._decimal).
UNSIGNED_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"
SIGNED_PATTERN = r"^-?[0-9]{1,3}(\.[0-9]{1,2})?$"
# An air-quality figure (AirQuality.value: 10 digits, 2 places).
MEASURE_PATTERN = r"^-?[0-9]{1,8}(\.[0-9]{1,2})?$"
NUMBER_HELP = 'a decimal number as a string, e.g. "40" or "1.10"'


def _please_fill(label: str):
    """The services' own "请填写…" message, so that a missing field reads the same from either."""
    return lazy(lambda: gettext("请填写%(label)s。") % {"label": gettext(label)}, str)()


class _DecimalText(serializers.RegexField):
    """A decimal number as a string (a JSON number is refused: the figures are exact)."""

    pattern = UNSIGNED_PATTERN

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", NUMBER_HELP)
        kwargs.setdefault("error_messages", {"invalid": _('应为数字（文本形式，如 "40"）。')})
        super().__init__(self.pattern, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "pattern": UNSIGNED_PATTERN, "description": NUMBER_HELP})
class UnsignedText(_DecimalText):
    pattern = UNSIGNED_PATTERN


@extend_schema_field({"type": "string", "pattern": SIGNED_PATTERN, "description": NUMBER_HELP})
class SignedText(_DecimalText):
    pattern = SIGNED_PATTERN


@extend_schema_field({"type": "string", "pattern": MEASURE_PATTERN, "description": NUMBER_HELP})
class MeasureText(_DecimalText):
    pattern = MEASURE_PATTERN


# --- the scheme (rules.py documents its shape) ------------------------------------------------------


class _StrictSerializer(serializers.Serializer):
    """Unknown keys are refused, not dropped: a misspelt indicator or grade would otherwise vanish from
    the scheme without a word (the schema says so too: ``additionalProperties: false``)."""

    refuses_unknown_keys = True

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {key: [gettext("方案中没有“%(key)s”这一项。") % {"key": key[:40]}] for key in unknown[:20]}
                )
        return super().to_internal_value(data)


class WeightRuleSerializer(_StrictSerializer):
    weight = UnsignedText(help_text="points; the weights of all indicators add up to 100")


class CompletionRuleSerializer(WeightRuleSerializer):
    floor = UnsignedText(help_text="completion % at or below which the indicator scores 0")


class DataQualityRuleSerializer(WeightRuleSerializer):
    per_return = UnsignedText(help_text="points off per report returned for correction")
    cap = UnsignedText(help_text="at most this many points off")


class InspectionRuleSerializer(WeightRuleSerializer):
    per_point = UnsignedText(
        help_text="points off per percentage point of visited households found idle or burning coal"
    )
    cap = UnsignedText(help_text="at most this many points off")


class AirQualityRuleSerializer(WeightRuleSerializer):
    better = serializers.ChoiceField(
        choices=R.AIR_BETTER, required=False, default="lower", help_text="lower: met at or below the target"
    )


class IndicatorRulesSerializer(_StrictSerializer):
    completion = CompletionRuleSerializer()
    timeliness = WeightRuleSerializer()
    data_quality = DataQualityRuleSerializer()
    inspection = InspectionRuleSerializer()
    rectification = WeightRuleSerializer()
    acceptance = WeightRuleSerializer()
    funds = WeightRuleSerializer()
    air_quality = AirQualityRuleSerializer()


class AdjustmentLimitsSerializer(_StrictSerializer):
    bonus = UnsignedText(help_text="points a county may be given at most in total")
    penalty = UnsignedText(help_text="points a county may be taken off at most in total")


# "pass" is a Python keyword: the class is built from a dict of its fields.
GradeThresholdsSerializer = type(
    "GradeThresholdsSerializer",
    (_StrictSerializer,),
    {
        "__doc__": "The lowest total of each grade; below the last one the grade is fail.",
        **{code: UnsignedText(help_text=f"lowest total of {code}") for code in R.GRADE_ORDER},
    },
)


FundCoefficientsSerializer = type(
    "FundCoefficientsSerializer",
    (_StrictSerializer,),
    {
        "__doc__": "The fund coefficient of each grade, or of an air-quality result met or not met (fund_basis).",
        **{name: UnsignedText() for name in R.COEFFICIENT_KEYS},
    },
)


class SchemeRulesSerializer(_StrictSerializer):
    indicators = IndicatorRulesSerializer()
    adjustment_limits = AdjustmentLimitsSerializer()
    grades = GradeThresholdsSerializer()
    fund_basis = serializers.ChoiceField(
        choices=R.FUND_BASES, required=False, default="grade", help_text="coefficient by grade or by air quality"
    )
    fund_coefficients = FundCoefficientsSerializer()


class SchemeSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    is_default = serializers.BooleanField(help_text="the shipped default, not yet set by the city office")
    locked = serializers.BooleanField(help_text="published with: a change makes the next version")
    rules = SchemeRulesSerializer()
    updated_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class SchemeUpdateSerializer(_StrictSerializer):
    rules = SchemeRulesSerializer()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


# --- air quality --------------------------------------------------------------------------------


class AirQualitySerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    value = serializers.DecimalField(max_digits=10, decimal_places=2)
    target = serializers.DecimalField(max_digits=10, decimal_places=2)
    source = serializers.CharField()
    entered_at = serializers.DateTimeField()


class AirQualityInputSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12, help_text="county code, e.g. 140802")
    value = MeasureText(help_text="the measured value, e.g. PM2.5 in µg/m³")
    target = MeasureText(help_text="the county's target")
    source = serializers.CharField(
        max_length=200, error_messages={"required": _please_fill("数据来源"), "blank": _please_fill("数据来源")}
    )


# --- assessments ------------------------------------------------------------------------------------


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    as_of = serializers.DateField()
    objection_deadline = serializers.DateField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True, help_text="of the frozen figures; blank before final")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    correction_reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    finalized_at = serializers.DateTimeField(allow_null=True)


class AssessmentCreateSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="the assessment date, e.g. 2021-12-31 (not after today)")
    supersedes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=ID_MAX,
        help_text="a final result to correct",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000, help_text="required with supersedes"
    )


class IndicatorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=list(R.INDICATORS))
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    raw = serializers.CharField(
        allow_null=True, help_text="the measured figure (a % for ratios); null: nothing to measure"
    )
    points = serializers.DecimalField(max_digits=5, decimal_places=2)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "the records behind the points, per indicator (e.g. timeliness: due, on_time, late, missing)",
    }
)
class DetailField(serializers.JSONField):
    pass


class IndicatorDetailSerializer(IndicatorSerializer):
    detail = DetailField()


class CompletionTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.CharField(help_text="households, or m² for a type measured in m²")
    completed = serializers.CharField()
    percent = serializers.CharField(allow_null=True)


MONEY = {"max_digits": 14, "decimal_places": 2}


class LeagueRowSerializer(serializers.Serializer):
    """A county's row. A department reads ``county``, ``county_name`` and ``types`` (the completion of
    its own retrofit types) only; every other reader the league fields, not ``types``."""

    county = serializers.CharField()
    county_name = serializers.CharField()
    indicators = IndicatorSerializer(many=True, required=False)
    adjustments = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    rank = serializers.IntegerField(required=False)
    grade = serializers.ChoiceField(choices=list(R.GRADES), required=False)
    grade_name = serializers.CharField(required=False)
    fund_coefficient = serializers.DecimalField(max_digits=4, decimal_places=2, required=False)
    city_share = serializers.DecimalField(**MONEY, required=False, help_text="yuan of city-level subsidy due")
    city_share_adjusted = serializers.DecimalField(**MONEY, required=False, help_text="city share × coefficient")
    change = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, help_text="total against the version this one corrects"
    )
    types = CompletionTypeSerializer(many=True, required=False)


class AssessmentDetailSerializer(AssessmentSerializer):
    checksum_ok = serializers.BooleanField(
        allow_null=True, help_text="the frozen figures match sha256; null before final"
    )
    view = serializers.ChoiceField(choices=["league", "completion"], help_text="completion: a department's view")
    period = serializers.CharField(help_text="the as-of month")
    counties = LeagueRowSerializer(many=True)


class AdjustmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = serializers.CharField()
    basis = serializers.CharField()
    objection = serializers.IntegerField(source="objection_id", allow_null=True)
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_created_by(self, adjustment) -> str:
        from core.people import person

        return person(adjustment.created_by)


class AdjustmentInputSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12, help_text="county code, e.g. 140802")
    points = SignedText(help_text='points added (positive) or taken off (negative), e.g. "-2"')
    reason = serializers.CharField(
        max_length=1000, error_messages={"required": _please_fill("理由"), "blank": _please_fill("理由")}
    )
    basis = serializers.CharField(
        max_length=200,
        error_messages={"required": _please_fill("依据（文号或说明）"), "blank": _please_fill("依据（文号或说明）")},
    )


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    reason = serializers.CharField()
    attachment_name = serializers.CharField(allow_blank=True)
    attachment_url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ObjectionStatus.choices)
    filed_by = serializers.SerializerMethodField()
    filed_at = serializers.DateTimeField()
    reply = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)

    def get_attachment_url(self, objection) -> str | None:
        if not objection.attachment:
            return None
        from django.urls import reverse

        return reverse(
            "api-assessment-objection-attachment",
            kwargs={"year": self.context["year"], "pk": objection.assessment_id, "oid": objection.pk},
        )

    def get_filed_by(self, objection) -> str:
        from core.people import person

        return person(objection.filed_by)


class ObjectionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, error_messages={"required": _please_fill("异议理由"), "blank": _please_fill("异议理由")}
    )
    attachment = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="PDF, JPG, PNG, .docx or .xlsx"
    )


class ObjectionAnswerSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED],
        error_messages={"required": _("请选择采纳或不采纳。"), "invalid_choice": _("请选择采纳或不采纳。")},
    )
    reply = serializers.CharField(
        max_length=2000, error_messages={"required": _please_fill("答复意见"), "blank": _please_fill("答复意见")}
    )
    points = SignedText(required=False, allow_null=True, default=None, help_text="the change when accepted")
    basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class BreakdownSerializer(serializers.Serializer):
    """One county's result with the records behind each indicator, its 加减分 and its objections."""

    county = serializers.CharField()
    county_name = serializers.CharField()
    indicators = IndicatorDetailSerializer(many=True)
    adjustments = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="the 加减分 in total")
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True, help_text="null for a county before the final result")
    grade = serializers.ChoiceField(choices=list(R.GRADES))
    grade_name = serializers.CharField()
    fund_coefficient = serializers.DecimalField(max_digits=4, decimal_places=2)
    air_met = serializers.BooleanField(allow_null=True)
    city_share = serializers.DecimalField(**MONEY)
    city_share_adjusted = serializers.DecimalField(**MONEY)
    adjustment_entries = AdjustmentSerializer(many=True, help_text="each 加减分 with its reason and basis")
    objections = ObjectionSerializer(many=True)
