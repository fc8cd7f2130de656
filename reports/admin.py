from django.contrib import admin

from core.admin_tools import ReadOnlyAdmin
from reports.models import Report, ReportEvent, ReportLine


class ReportLineInline(admin.TabularInline):
    model = ReportLine
    extra = 0
    readonly_fields = ("retrofit_type", "area_class", "households", "area_m2")
    can_delete = False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ("at", "actor", "action", "reason", "changes", "version")
    can_delete = False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Read-only in the admin: reports change only through the workflow, which audits every step."""

    list_display = ("period", "county", "department", "status", "submitted_at", "version")
    list_filter = ("plan", "status", "period", "county")
    list_select_related = ("county", "plan")
    inlines = [ReportLineInline, ReportEventInline]
