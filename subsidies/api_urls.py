# API routes under /api/v1/; included from yuncheng_heating/urls.py.
from django.urls import path

from subsidies import api

P = "plans/<int:year>/subsidies/"

urlpatterns = [
    path(P, api.SubsidyTableView.as_view(), name="api-subsidies"),
    path(P + "export.xlsx", api.SubsidyExportXlsxView.as_view(), name="api-subsidies-xlsx"),
    path(P + "export.csv", api.SubsidyExportCsvView.as_view(), name="api-subsidies-csv"),
    path(P + "rules/", api.SubsidyRulesView.as_view(), name="api-subsidy-rules"),
    path(P + "rules/<int:pk>/", api.SubsidyRuleView.as_view(), name="api-subsidy-rule"),
    path(P + "grid/", api.GridView.as_view(), name="api-subsidy-grid"),
    path(P + "grid/investments/", api.GridInvestmentsView.as_view(), name="api-subsidy-grid-investments"),
    path(
        P + "grid/investments/<int:pk>/void/",
        api.GridInvestmentVoidView.as_view(),
        name="api-subsidy-grid-investment-void",
    ),
    path(P + "grid/allocations/", api.GridAllocationsView.as_view(), name="api-subsidy-grid-allocations"),
    path(P + "payments/", api.PaymentsView.as_view(), name="api-subsidy-payments"),
    path(P + "payments/export.xlsx", api.PaymentLedgerExportView.as_view(), name="api-subsidy-payments-xlsx"),
    path(P + "payments/<int:pk>/void/", api.PaymentVoidView.as_view(), name="api-subsidy-payment-void"),
    path(P + "settlements/", api.SettlementsView.as_view(), name="api-subsidy-settlements"),
    path(P + "settlements/<int:pk>/", api.SettlementView.as_view(), name="api-subsidy-settlement"),
    path(P + "settlements/<int:pk>/export.xlsx", api.SettlementFileView.as_view(), name="api-subsidy-settlement-xlsx"),
]
