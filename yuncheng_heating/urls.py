from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from counties import api as counties_api
from counties import views as counties_views
from yuncheng_heating import api as site_api
from yuncheng_heating import views as home_views

api_v1 = [
    path("", include("accounts.api_urls")),
    path("plans/", counties_api.PlanListView.as_view(), name="api-plans"),
    path("plans/<int:year>/targets/", counties_api.PlanTargetsView.as_view(), name="api-plan-targets"),
    path(
        "plans/<int:year>/targets/adjustments/",
        counties_api.TargetAdjustmentsView.as_view(),
        name="api-target-adjustments",
    ),
    path(
        "plans/<int:year>/targets/import/",
        counties_api.PlanTargetsImportView.as_view(),
        name="api-plan-targets-import",
    ),
    path("plans/<int:year>/publish/", counties_api.PlanPublishView.as_view(), name="api-plan-publish"),
    path("plans/<int:year>/close/", counties_api.PlanCloseView.as_view(), name="api-plan-close"),
    path("", include("reports.api_urls")),
    path("", include("reports.dashboard_api_urls")),
    path("", include("subsidies.api_urls")),
    path("", include("households.api_urls")),
    path("", include("inspections.api_urls")),
    path("", include("assessments.api_urls")),
    path("plans/<int:year>/bulletin/export.docx", site_api.BulletinDocxView.as_view(), name="api-bulletin-docx"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script as a file of its own (``?script``): no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

urlpatterns = [
    # Health and readiness for the load balancer (operations/views.py): no login.
    path("", include("operations.urls")),
    path("", counties_views.root, name="root"),
    path("home/", home_views.home, name="home"),
    path("favicon.ico", home_views.favicon, name="favicon"),
    path("plans/switch/", counties_views.plan_switch, name="plan-switch"),
    path("plans/", counties_views.plan_list, name="plan-list"),
    path("plans/new/", counties_views.plan_new, name="plan-new"),
    path("plans/<int:year>/manage/", counties_views.plan_manage, name="plan-manage"),
    path("plans/<int:year>/edit/", counties_views.plan_edit, name="plan-edit"),
    path("plans/<int:year>/targets/template.xlsx", counties_views.targets_template, name="plan-targets-template"),
    path("plans/<int:year>/targets/", counties_views.target_table, name="target-table"),
    path("plans/<int:year>/targets/adjustments/", counties_views.target_adjustments, name="target-adjustments"),
    path("", include("reports.urls")),
    path("", include("yuncheng_heating.dashboard_urls")),
    path("", include("subsidies.urls")),
    path("", include("households.urls")),
    path("", include("accounts.urls")),
    path("", include("inspections.urls")),
    path("", include("assessments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

# Under /api/ the JSON error shape (500 with the request id, 404); HTML pages elsewhere.
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
