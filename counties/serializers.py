from rest_framework import serializers


class TargetsSerializer(serializers.Serializer):
    """Only describes the response for the OpenAPI schema; the view builds it from a selector."""

    plan = serializers.IntegerField()
    rows = serializers.ListField(child=serializers.DictField())
    totals = serializers.DictField()
