# Page routes; included from yuncheng_heating/urls.py.
from django.urls import path

from inspections import views, views_spot_checks

urlpatterns = [
    path("inspections/", views.home, name="inspections-home"),
    path("inspections/sw.js", views.service_worker, name="inspections-sw"),
    path("inspections/samples/draw/", views.sample_draw, name="inspections-sample-draw"),
    path("inspections/samples/<int:pk>/verify/", views.sample_verify, name="inspections-sample-verify"),
    path("inspections/rectifications/", views.rectification_list, name="inspections-rectifications"),
    path("inspections/rectifications/<int:pk>/", views.rectification_detail, name="inspections-rectification"),
    # Once the roster's page; the URL and its name stay for bookmarks and links.
    path("plans/<int:year>/spot-checks/", views_spot_checks.spot_checks, name="household-spot-checks"),
]
