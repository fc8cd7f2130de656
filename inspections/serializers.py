from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from households.serializers import ID_MAX
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
