"""Read-mostly admin: samples, desk spot checks, visits and rectifications change through the services, not here.
Photo files are not linked (they are personal data served only by the scoped photo view)."""

from django.contrib import admin

from core.admin_tools import person_column
from inspections.models import CheckBatch, Rectification, Sample, Visit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Sample)
class SampleAdmin(ReadOnlyAdmin):
    list_display = ("pk", "plan", "seed", "rate", "minimum", "household_status", "stratify", "created_at")
    list_filter = ("plan",)
    exclude = ("inspectors",)


@admin.register(CheckBatch)
class CheckBatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "plan", "county", "checked_on", "inspector", person_column(CheckBatch, "created_by"))
    list_filter = ("plan", "county")
    list_select_related = ("plan", "county", "created_by")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "plan",
        "kind",
        "county",
        "finding",
        "acceptance_result",
        "visited_at",
        person_column(Visit, "created_by"),
    )
    list_filter = ("plan", "kind", "finding", "county")
    list_select_related = ("plan", "county", "created_by")
    raw_id_fields = ("household", "sample", "batch")


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "plan", "county", "finding", "status", "deadline", "closed_at")
    list_filter = ("plan", "status", "county")
    list_select_related = ("plan", "county")
    raw_id_fields = ("household", "visit")
