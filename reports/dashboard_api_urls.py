# API routes of the dashboard and progress exports under /api/v1/; included from yuncheng_heating/urls.py.
from django.urls import path

from reports import dashboard_api

urlpatterns = [
    path("plans/years/progress/", dashboard_api.YearsProgressView.as_view(), name="api-years-progress"),
    path(
        "plans/<int:year>/progress/export.xlsx",
        dashboard_api.ProgressExportXlsxView.as_view(),
        name="api-progress-export-xlsx",
    ),
    path(
        "plans/<int:year>/progress/export.csv",
        dashboard_api.ProgressExportCsvView.as_view(),
        name="api-progress-export-csv",
    ),
]
