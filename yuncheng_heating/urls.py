from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from counties import api as counties_api
from counties import views as counties_views

api_v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("plans/<int:year>/targets/", counties_api.PlanTargetsView.as_view(), name="api-plan-targets"),
    path("", include("reports.api_urls")),
    path("", include("reports.dashboard_api_urls")),
    path("", include("subsidies.api_urls")),
    path("", include("households.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", counties_views.root, name="root"),
    path("home/", counties_views.home, name="home"),
    path("plans/<int:year>/targets/", counties_views.target_table, name="target-table"),
    path("", include("reports.urls")),
    path("", include("reports.dashboard_urls")),
    path("", include("subsidies.urls")),
    path("", include("households.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]
