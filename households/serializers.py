from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from households.models import AcceptanceResult
from subsidies.serializers import MoneyField

# Row ids are 64-bit (BigAutoField): a larger number is invalid input, never a query that overflows.
ID_MAX = 2**63 - 1


@extend_schema_field({"type": "string", "format": "decimal"})
class DecimalStringField(serializers.Field):
    """A decimal as the string the API has always written (``format(value, "f")``: every stored place)."""

    def to_representation(self, value):
        return format(value, "f")


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}], "description": "households, or m²"}
)
class UnitsField(serializers.Field):
    """Households (an integer) for household types, m² (a decimal string) for area types."""

    def to_representation(self, value):
        return value if isinstance(value, int) else format(value, "f")


class HouseholdPlaceSerializer(serializers.Serializer):
    """Where a household is and who heads it, the ID masked: every list that names a household uses these."""

    township = serializers.CharField()
    village = serializers.CharField()
    head_name = serializers.CharField()
    id_number = serializers.CharField(help_text="masked (140802********123X)")


class CountyHouseholdSerializer(HouseholdPlaceSerializer):
    county = serializers.CharField()
    county_name = serializers.CharField()


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(error_messages={"required": _("请选择要上传的文件。")})
    mode = serializers.ChoiceField(choices=["create", "update"], default="create")
    dry_run = serializers.BooleanField(default=False)
    county = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptanceSerializer(serializers.Serializer):
    households = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, default=list
    )
    county = serializers.CharField(required=False, allow_blank=True, default="")
    township = serializers.CharField(required=False, allow_blank=True, default="")
    village = serializers.CharField(required=False, allow_blank=True, default="")
    accepted_on = serializers.DateField()
    accepted_by = serializers.CharField(max_length=100)
    result = serializers.ChoiceField(choices=AcceptanceResult.choices)


class HouseholdSerializer(CountyHouseholdSerializer):
    """A roster row: the views build it from the selector's rows and render it through this.

    The ID is whole only through reveal/ and exports.
    """

    id = serializers.IntegerField()
    phone = serializers.CharField(help_text="masked (138****1234)")
    retrofit_type = serializers.CharField()
    area_class = serializers.CharField()
    area_m2 = serializers.CharField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    hardship = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    accepted_on = serializers.DateField(allow_null=True)
    accepted_by = serializers.CharField(allow_blank=True)
    acceptance_result = serializers.CharField(allow_blank=True)
    # Absent (not null) for roles that may not read subsidies (households.selectors.subsidy_rates_for_user):
    # no allow_null here, which would make DRF write a missing key as null.
    subsidy_city = serializers.CharField(required=False)
    subsidy_county = serializers.CharField(required=False)


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


# Output serializers: the views render through them, so the schema is the answer.
class ImportPreviewRowSerializer(HouseholdPlaceSerializer):
    row = serializers.IntegerField()
    action = serializers.CharField(help_text="create | update")
    retrofit_type = serializers.CharField(help_text="the type's name")
    area_class = serializers.CharField()
    area_m2 = DecimalStringField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)


class RosterImportResultSerializer(serializers.Serializer):
    """A roster import that found no problem: 200 for a dry run, 201 once written."""

    mode = serializers.CharField(help_text="create | update")
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField(help_text="data rows read")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped_title_rows = serializers.IntegerField(help_text="non-blank title rows above the header, not read")
    preview = ImportPreviewRowSerializer(many=True, help_text="the first rows, ID numbers masked")


class AcceptanceSkippedSerializer(serializers.Serializer):
    not_completed = serializers.IntegerField()
    completed_after = serializers.IntegerField()


class AcceptanceOutcomeSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    result = serializers.CharField()
    skipped = serializers.IntegerField()
    skipped_by_reason = AcceptanceSkippedSerializer()
    detail = serializers.CharField()


class HouseholdPaymentResultSerializer(serializers.Serializer):
    paid = serializers.IntegerField(help_text="households marked paid")


class ReconciliationRowSerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    retrofit_type = serializers.CharField(source="retrofit_type.code")
    unit = serializers.CharField()
    reported = UnitsField()
    roster_done = UnitsField()
    roster_accepted = UnitsField()
    difference = UnitsField()


class PayableRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    households = serializers.IntegerField()
    city = DecimalStringField()
    county_share = DecimalStringField()
    total = DecimalStringField()


class ReconciliationSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    period = serializers.CharField()
    rows = ReconciliationRowSerializer(many=True)
    differences = ReconciliationRowSerializer(many=True)
    payable = PayableRowSerializer(many=True, required=False, help_text="absent for roles that may not read subsidies")


# --- hardship households (households/hardship.py) ------------------------------------------------


class HardshipGuaranteeInputSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=12, help_text="county code")
    # yuan per converted hardship household: once, and each heating season
    one_time_extra = MoneyField()
    seasonal_extra = MoneyField()
    pays_household_share = serializers.BooleanField(help_text="the county pays the household's own share")
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class HardshipGuaranteeSerializer(serializers.Serializer):
    one_time_extra = serializers.CharField(help_text="yuan per household")
    seasonal_extra = serializers.CharField(help_text="yuan per household per heating season")
    pays_household_share = serializers.BooleanField()
    document_number = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField(source="recorded_by.get_username")
    recorded_at = serializers.DateTimeField()


class HardshipTotalsSerializer(serializers.Serializer):
    on_roster = serializers.IntegerField(help_text="hardship households on the roster")
    converted = serializers.IntegerField(help_text="completed, accepted or paid")
    accepted = serializers.IntegerField(help_text="accepted or paid")
    paid = serializers.IntegerField(help_text="subsidy paid")
    one_time_due = serializers.CharField(help_text="converted × one_time_extra, yuan")
    one_time_paid = serializers.CharField(help_text="paid × one_time_extra, yuan")
    seasonal_due = serializers.CharField(help_text="converted × seasonal_extra, yuan per heating season")


class HardshipCountySerializer(HardshipTotalsSerializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    guarantee = HardshipGuaranteeSerializer(allow_null=True, help_text="the guarantee in force; null: none recorded")


class HardshipSummarySerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.year")
    counties = HardshipCountySerializer(many=True, source="rows")
    totals = HardshipTotalsSerializer()
