# Page routes; included from yuncheng_heating/urls.py.
from django.urls import path

from subsidies import document_views, views

P = "plans/<int:year>/subsidies/"

urlpatterns = [
    path(P, views.subsidies, name="subsidies"),
    path(P + "rules/", views.subsidy_rules, name="subsidy-rules"),
    path(P + "grid/investments/", views.grid_investment_add, name="subsidy-grid-investment-add"),
    path(P + "grid/investments/<int:pk>/void/", views.grid_investment_void, name="subsidy-grid-investment-void"),
    path(P + "grid/allocations/", views.grid_allocate, name="subsidy-grid-allocate"),
    path(P + "payments/", views.payment_add, name="subsidy-payment-add"),
    path(P + "payments/<int:pk>/void/", views.payment_void, name="subsidy-payment-void"),
    path(P + "settlements/", views.settlement_add, name="subsidy-settlement-add"),
    path(P + "settlements/<int:pk>/", views.settlement_detail, name="subsidy-settlement"),
    path(
        P + "settlements/<int:pk>/letter.docx",
        document_views.settlement_letter_download,
        name="subsidy-settlement-letter",
    ),
]
