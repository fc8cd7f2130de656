"""Input and output of the spot-check API (/api/v1/plans/{year}/spot-checks/…)."""

from rest_framework import serializers

from inspections.models import DESK_FINDINGS, VisitFinding

# Row ids are 64-bit (BigAutoField): a larger number is invalid input, never a query that overflows.
ID_MAX = 2**63 - 1


class SpotCheckItemSerializer(serializers.Serializer):
    household = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    id_number = serializers.CharField(required=False, allow_blank=True)
    finding = serializers.ChoiceField(choices=[(f.value, f.label) for f in DESK_FINDINGS])


class SpotCheckSerializer(serializers.Serializer):
    county = serializers.CharField()
    checked_on = serializers.DateField()
    inspector = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    items = SpotCheckItemSerializer(many=True)


class SpotCheckOutSerializer(serializers.Serializer):
    """One desk-entered spot check."""

    id = serializers.IntegerField()
    county = serializers.CharField(source="county.code")
    checked_on = serializers.DateField()
    inspector = serializers.CharField()
    note = serializers.CharField()


class SpotCheckPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SpotCheckOutSerializer(many=True)


class SpotCheckCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    items = serializers.IntegerField(help_text="households checked")


class SpotCheckFindingSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    rate = serializers.CharField(help_text="count ÷ checked, 4 places")


class FindingFiguresSerializer(serializers.Serializer):
    """One entry per finding code (inspections.models.VisitFinding)."""

    def get_fields(self):
        return {f.value: SpotCheckFindingSerializer(label=str(f.label)) for f in VisitFinding}


class SpotCheckSummaryRowSerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    checked = serializers.IntegerField(help_text="households checked (a household checked twice counts once)")
    findings = FindingFiguresSerializer()


class SpotCheckSummarySerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    rows = SpotCheckSummaryRowSerializer(many=True)
