from django.contrib import admin

from counties.admin import XlsxImportExportAdmin
from subsidies.models import SubsidyRule
from subsidies.resources import SubsidyRuleResource


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(XlsxImportExportAdmin):
    resource_classes = [SubsidyRuleResource]
    list_display = ("plan", "retrofit_type", "area_class", "level", "amount")
    list_filter = ("plan", "retrofit_type", "level")
    list_select_related = ("plan", "retrofit_type")
