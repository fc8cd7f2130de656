from django.contrib import admin

from core.admin_tools import ReadOnlyAdmin, person_column
from counties.admin import XlsxImportExportAdmin
from subsidies.models import GridAllocation, GridInvestment, Payment, Settlement, SubsidyRule, SubsidyRuleChange
from subsidies.resources import SubsidyRuleResource


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(XlsxImportExportAdmin):
    resource_classes = [SubsidyRuleResource]
    list_display = ("plan", "retrofit_type", "area_class", "level", "amount")
    list_filter = ("plan", "retrofit_type", "level")
    list_select_related = ("plan", "retrofit_type")

    def get_readonly_fields(self, request, obj=None):
        # Rates are changed on the audited rules page (finance bureau, city office), not here.
        if obj is not None:
            return ("plan", "retrofit_type", "area_class", "level", "amount")
        return ()


@admin.register(SubsidyRuleChange)
class SubsidyRuleChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "changed_at",
        "rule",
        "old_amount",
        "new_amount",
        "effective_from",
        "reason",
        person_column(SubsidyRuleChange, "changed_by"),
    )
    list_select_related = ("rule__plan", "rule__retrofit_type", "changed_by")


@admin.register(GridInvestment)
class GridInvestmentAdmin(ReadOnlyAdmin):
    list_display = (
        "plan",
        "county",
        "project",
        "amount",
        "invested_on",
        person_column(GridInvestment, "recorded_by"),
        "voided_at",
        person_column(GridInvestment, "voided_by"),
    )
    list_filter = ("plan", "county")
    list_select_related = ("plan", "county", "recorded_by", "voided_by")


@admin.register(GridAllocation)
class GridAllocationAdmin(ReadOnlyAdmin):
    list_display = ("plan", "county", "amount", person_column(GridAllocation, "allocated_by"), "allocated_at")
    list_select_related = ("plan", "county", "allocated_by")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "plan",
        "county",
        "level",
        "paid_on",
        "document_number",
        "amount",
        person_column(Payment, "recorded_by"),
        "voided_at",
        person_column(Payment, "voided_by"),
    )
    list_filter = ("plan", "county", "level")
    list_select_related = ("plan", "county", "recorded_by", "voided_by")


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "plan",
        "period",
        person_column(Settlement, "created_by"),
        "created_at",
        "sha256",
        "superseded_by",
    )
    exclude = ("xlsx",)
    list_select_related = ("plan", "created_by")
