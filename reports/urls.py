from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report-approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="report-reopen"),
]
