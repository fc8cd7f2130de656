from django.contrib import admin
from django.db import transaction

from core.admin_tools import ReadOnlyAdmin, person_column
from households import pii, roster_summary
from households.models import ExportAudit, HardshipGuarantee, Household


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """Households come from roster imports; here they are corrected, never created, and their numbers stay masked."""

    list_display = (
        "county",
        "township",
        "village",
        "head_name",
        "id_number_masked",
        "retrofit_type",
        "area_class",
        "status",
    )
    list_filter = ("plan", "county", "retrofit_type", "status")
    search_fields = ("head_name", "village")
    list_select_related = ("county", "retrofit_type")
    raw_id_fields = ()
    exclude = ("pii_cipher", "id_number_index", "phone_index")
    readonly_fields = ("id_number_masked", "phone_masked")

    def has_add_permission(self, request):
        return False

    # A correction here is a roster write: recount the summary of the counties it touched (old and new).
    def save_model(self, request, obj, form, change):
        old_county = Household.objects.filter(pk=obj.pk).values_list("county_id", flat=True).first()
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            roster_summary.summary_recount(plan_id=obj.plan_id, county_ids={obj.county_id, old_county} - {None})

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            roster_summary.summary_recount(plan_id=obj.plan_id, county_ids={obj.county_id})

    def delete_queryset(self, request, queryset):
        touched = set(queryset.values_list("plan_id", "county_id").distinct())
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for plan_id in {plan for plan, _county in touched}:
                roster_summary.summary_recount(
                    plan_id=plan_id, county_ids={county for plan, county in touched if plan == plan_id}
                )

    def get_search_results(self, request, queryset, search_term):
        """A whole ID or phone number finds its household through the blind index, as on the roster page."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        id_index, phone_index = pii.search_terms(search_term)
        if id_index:
            results |= queryset.filter(id_number_index=id_index)
        if phone_index:
            results |= queryset.filter(phone_index=phone_index)
        return results, may_have_duplicates


@admin.register(ExportAudit)
class ExportAuditAdmin(admin.ModelAdmin):
    list_display = (person_column(ExportAudit, "user"), "action", "at", "plan", "rows")
    list_select_related = ("user", "plan")
    list_filter = ("action",)
    readonly_fields = ("user", "action", "at", "plan", "rows", "filters")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HardshipGuarantee)
class HardshipGuaranteeAdmin(ReadOnlyAdmin):
    """Read-only: a guarantee is recorded on its page or through the API (households.hardship), kept as history."""

    list_display = ("plan", "county", "one_time_extra", "seasonal_extra", "pays_household_share", "document_number")
    list_display_links = None
    list_select_related = ("plan", "county", "recorded_by")
    list_filter = ("plan", "county")
    readonly_fields = [field.name for field in HardshipGuarantee._meta.fields]
