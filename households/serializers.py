from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from households.models import AcceptanceResult

# Row ids are 64-bit (BigAutoField): a larger number is invalid input, never a query that overflows.
ID_MAX = 2**63 - 1

class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(error_messages={"required": _("请选择要上传的文件。")})
    mode = serializers.ChoiceField(choices=["create", "update"], default="create")
    dry_run = serializers.BooleanField(default=False)
    county = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptanceSerializer(serializers.Serializer):
    households = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, default=list)
    county = serializers.CharField(required=False, allow_blank=True, default="")
    township = serializers.CharField(required=False, allow_blank=True, default="")
    village = serializers.CharField(required=False, allow_blank=True, default="")
    accepted_on = serializers.DateField()
    accepted_by = serializers.CharField(max_length=100)
    result = serializers.ChoiceField(choices=AcceptanceResult.choices)


class HouseholdSerializer(serializers.Serializer):
    """Describes a roster row for the OpenAPI schema; views build rows from the selector."""

    id = serializers.IntegerField()
    county = serializers.CharField()
    county_name = serializers.CharField()
    township = serializers.CharField()
    village = serializers.CharField()
    head_name = serializers.CharField()
    id_number = serializers.CharField(help_text="masked (140802********123X); whole only through reveal/ and exports")
    phone = serializers.CharField(help_text="masked (138****1234)")
    retrofit_type = serializers.CharField()
    area_class = serializers.CharField()
    area_m2 = serializers.CharField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    hardship = serializers.CharField()
    status = serializers.CharField()
    subsidy_city = serializers.CharField()
    subsidy_county = serializers.CharField()


class HouseholdPageSerializer(serializers.Serializer):
    """One keyset page of the roster (households/roster_page.py)."""

    count = serializers.IntegerField(allow_null=True, help_text="exact up to 10000; null when there are more")
    count_exceeds = serializers.IntegerField(allow_null=True, help_text="10000 when count is null, else null")
    next = serializers.URLField(allow_null=True, help_text="the next page (cursor link), null on the last")
    previous = serializers.URLField(allow_null=True, help_text="the page before (cursor link), null on the first")
    results = HouseholdSerializer(many=True)


class HouseholdPaymentSerializer(serializers.Serializer):
    households = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), allow_empty=False)
    paid_on = serializers.DateField()


class HouseholdRevealSerializer(serializers.Serializer):
    """The answer of “show whole ID” (audited)."""

    id = serializers.IntegerField()
    id_number = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
