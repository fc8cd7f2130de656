"""The assessment in the admin: read-only lists (every change goes through the audited pages and API)."""

from django.contrib import admin

from assessments.models import Adjustment, AirQuality, Assessment, AssessmentEvent, AssessmentScheme, Objection
from core.admin_tools import ReadOnlyAdmin, person_column


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ReadOnlyAdmin):
    list_display = ("plan", "version", "is_default", person_column(AssessmentScheme, "updated_by"), "updated_at")
    list_select_related = ("plan", "updated_by")


@admin.register(AirQuality)
class AirQualityAdmin(ReadOnlyAdmin):
    list_display = (
        "plan",
        "county",
        "value",
        "target",
        "source",
        person_column(AirQuality, "entered_by"),
        "entered_at",
    )
    list_filter = ("plan",)
    list_select_related = ("plan", "county", "entered_by")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "as_of", "status", "objection_deadline", "sha256", "finalized_at")
    list_filter = ("plan", "status")
    list_select_related = ("plan",)
    exclude = ("figures",)


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = (
        "assessment",
        "county",
        "points",
        "reason",
        "basis",
        person_column(Adjustment, "created_by"),
        "created_at",
    )
    list_select_related = ("assessment__plan", "county", "created_by")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "county", "status", person_column(Objection, "filed_by"), "filed_at", "answered_at")
    list_filter = ("status",)
    list_select_related = ("assessment__plan", "county", "filed_by")
    exclude = ("attachment",)


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "plan", "assessment", "action", "county", person_column(AssessmentEvent, "actor"))
    list_filter = ("action",)
    list_select_related = ("plan", "assessment__plan", "county", "actor")
