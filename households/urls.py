# Page routes; included from yuncheng_heating/urls.py.
from django.urls import path

from households import export_views, views, views_hardship

urlpatterns = [
    path("plans/<int:year>/households/", views.household_list, name="household-list"),
    path("plans/<int:year>/households/<int:pk>/reveal/", views.household_reveal, name="household-reveal"),
    path("plans/<int:year>/households/import/", views.household_import, name="household-import"),
    path("plans/<int:year>/households/template.xlsx", views.household_template, name="household-template"),
    path(
        "plans/<int:year>/households/accept-selected/",
        views.households_accept_selected,
        name="household-accept-selected",
    ),
    path("plans/<int:year>/households/mark-paid/", views.households_mark_paid, name="household-mark-paid"),
    path("plans/<int:year>/households/acceptance/", views.acceptance, name="household-acceptance"),
    path("plans/<int:year>/households/exports/", export_views.roster_export_start, name="household-export-start"),
    path("plans/<int:year>/households/exports/<int:pk>/", export_views.roster_export_page, name="household-export"),
    path(
        "plans/<int:year>/households/exports/<int:pk>/status/",
        export_views.roster_export_status,
        name="household-export-status",
    ),
    path(
        "plans/<int:year>/households/exports/<int:pk>/download/",
        export_views.roster_export_download,
        name="household-export-download",
    ),
    path("plans/<int:year>/hardship/", views_hardship.hardship_page, name="household-hardship"),
    path("plans/<int:year>/reconciliation/", views.reconciliation_page, name="household-reconciliation"),
]
