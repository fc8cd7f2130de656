from datetime import UTC

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from households.serializers import ID_MAX, CountyHouseholdSerializer, HouseholdPlaceSerializer
from inspections.models import SAMPLE_STATUSES, VisitFinding

RATE_PATTERN = r"^(1(\.0{0,4})?|0?\.([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9]))$"


@extend_schema_field({"type": "string", "format": "decimal", "pattern": RATE_PATTERN})
class RateField(serializers.DecimalField):
    """A share above 0 and at most 1, at most 4 places (services.sample_draw's rule), as the schema says it."""


class SampleDrawSerializer(serializers.Serializer):
    counties = serializers.ListField(child=serializers.CharField(max_length=12), required=False, default=list)
    rate = RateField(max_digits=5, decimal_places=4, min_value=0, max_value=1)
    minimum = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    status = serializers.ChoiceField(choices=[s.value for s in SAMPLE_STATUSES], default="completed")
    stratify = serializers.BooleanField(default=False)
    seed = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    inspectors = serializers.ListField(child=serializers.CharField(max_length=150), required=False, default=list)


class SampleAssignSerializer(serializers.Serializer):
    inspectors = serializers.ListField(child=serializers.CharField(max_length=150))


class VisitUploadSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(error_messages={"invalid": _("编号格式不正确。")})
    household = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    finding = serializers.ChoiceField(choices=VisitFinding.choices, required=False, allow_blank=True, default="")
    # Checked by the service (passed | failed); a ChoiceField would name the roster's enum twice in the schema.
    acceptance_result = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(
        max_digits=16, decimal_places=10, required=False, allow_null=True, default=None, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=16, decimal_places=10, required=False, allow_null=True, default=None, min_value=-180, max_value=180
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RectificationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


# Output serializers: the views render through them, so the schema is the answer. Datetimes stay in UTC
# ("…Z") as the API has always answered them; money-like decimals are the strings the views format.
class UtcDateTimeField(serializers.DateTimeField):
    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


class SampleProgressSerializer(serializers.Serializer):
    sampled = serializers.IntegerField()
    visited = serializers.IntegerField()
    not_visited = serializers.IntegerField()


class SampleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField()
    seed = serializers.CharField()
    rate = serializers.CharField(help_text="share of each county's households, e.g. 0.0500")
    minimum = serializers.IntegerField()
    status = serializers.CharField(help_text="the roster status sampled from")
    stratify = serializers.BooleanField()
    counties = serializers.ListField(child=serializers.CharField())
    inspectors = serializers.ListField(child=serializers.CharField())
    created_at = UtcDateTimeField()
    progress = SampleProgressSerializer()
    count = serializers.IntegerField(help_text="sampled households you may see")


class SampleWithHouseholdsSerializer(SampleSerializer):
    households = serializers.ListField(child=serializers.IntegerField(), help_text="household ids you may see")


class SamplePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SampleSerializer(many=True)


class SampleVerificationSerializer(serializers.Serializer):
    matches = serializers.BooleanField(help_text="the draw over today's roster gives the stored households")
    roster_unchanged = serializers.BooleanField()


class InspectionPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    taken_at = UtcDateTimeField(allow_null=True)
    latitude = serializers.CharField(allow_null=True)
    longitude = serializers.CharField(allow_null=True)


class VisitSerializer(HouseholdPlaceSerializer):
    id = serializers.IntegerField()
    uuid = serializers.CharField()
    kind = serializers.CharField()
    sample = serializers.IntegerField(allow_null=True)
    household = serializers.IntegerField()
    county = serializers.CharField()
    finding = serializers.CharField(allow_blank=True)
    acceptance_result = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    visited_at = UtcDateTimeField()
    latitude = serializers.CharField(allow_null=True)
    longitude = serializers.CharField(allow_null=True)
    position_source = serializers.CharField(allow_blank=True)
    inspector = serializers.CharField()
    photos = InspectionPhotoSerializer(many=True)
    rectification = serializers.IntegerField(allow_null=True)


class VisitPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VisitSerializer(many=True)


class TaskHouseholdSerializer(CountyHouseholdSerializer):
    id = serializers.IntegerField()
    retrofit_type = serializers.CharField()
    retrofit_type_name = serializers.CharField()
    visited = serializers.BooleanField()


class TaskListSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    generated_at = UtcDateTimeField()
    households = TaskHouseholdSerializer(many=True)


class RectificationSerializer(CountyHouseholdSerializer):
    id = serializers.IntegerField()
    household = serializers.IntegerField()
    visit = serializers.IntegerField()
    finding = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateField()
    overdue = serializers.BooleanField()
    opened_at = UtcDateTimeField()
    resolution_note = serializers.CharField(allow_blank=True)
    resolved_at = UtcDateTimeField(allow_null=True)
    return_reason = serializers.CharField(allow_blank=True)
    closed_at = UtcDateTimeField(allow_null=True)
    photos = InspectionPhotoSerializer(many=True)


class RectificationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RectificationSerializer(many=True)


class FindingFigureSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    rate = serializers.CharField(allow_null=True, help_text="share of visited households, 4 places; null if none")


class RectificationCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed = serializers.IntegerField()


class InspectionSummaryRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    sampled = serializers.IntegerField()
    visited = serializers.IntegerField()
    findings = serializers.DictField(child=FindingFigureSerializer(), help_text="per finding code")
    rectifications = RectificationCountsSerializer()


class InspectionSummarySerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    rows = InspectionSummaryRowSerializer(many=True)
