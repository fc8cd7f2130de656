# API routes under /api/v1/; included from yuncheng_heating/urls.py.
from django.urls import path

from households import api, api_hardship, export_api

urlpatterns = [
    path("plans/<int:year>/hardship/", api_hardship.HardshipView.as_view(), name="api-hardship"),
    path(
        "plans/<int:year>/hardship/guarantees/",
        api_hardship.HardshipGuaranteeView.as_view(),
        name="api-hardship-guarantees",
    ),
    path("plans/<int:year>/households/", api.HouseholdListView.as_view(), name="api-households"),
    path("plans/<int:year>/households/<int:pk>/", api.HouseholdDetailView.as_view(), name="api-household"),
    path(
        "plans/<int:year>/households/<int:pk>/reveal/", api.HouseholdRevealView.as_view(), name="api-household-reveal"
    ),
    path(
        "plans/<int:year>/households/template.xlsx",
        api.HouseholdTemplateView.as_view(),
        name="api-households-template",
    ),
    path("plans/<int:year>/households/import/", api.HouseholdImportView.as_view(), name="api-households-import"),
    path("plans/<int:year>/households/export.xlsx", api.HouseholdExportView.as_view(), name="api-households-export"),
    path(
        "plans/<int:year>/households/exports/", export_api.ExportJobStartView.as_view(), name="api-households-exports"
    ),
    path(
        "plans/<int:year>/households/exports/<int:pk>/",
        export_api.ExportJobView.as_view(),
        name="api-households-export-job",
    ),
    path(
        "plans/<int:year>/households/exports/<int:pk>/download/",
        export_api.ExportJobDownloadView.as_view(),
        name="api-households-export-job-download",
    ),
    path("plans/<int:year>/households/acceptance/", api.AcceptanceView.as_view(), name="api-households-acceptance"),
    path("plans/<int:year>/households/payment/", api.PaymentView.as_view(), name="api-households-payment"),
    path("plans/<int:year>/reconciliation/", api.ReconciliationView.as_view(), name="api-reconciliation"),
]
