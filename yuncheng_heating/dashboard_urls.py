# Page routes; included from yuncheng_heating/urls.py.
from django.urls import path

from yuncheng_heating import dashboard_views, document_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/status/", dashboard_views.status_grid, name="status-grid"),
    path("dashboard/trends/", dashboard_views.trends, name="trends"),
    path("counties/<str:code>/", dashboard_views.county_detail, name="county-detail"),
    path("plans/years/", dashboard_views.years_page, name="plan-years"),
    path("bulletin/", dashboard_views.bulletin_page, name="bulletin"),
    path("bulletin/number/", document_views.bulletin_number_edit, name="bulletin-number"),
]
