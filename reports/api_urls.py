from django.urls import path
from rest_framework.routers import SimpleRouter

from reports import api

router = SimpleRouter()
router.register("reports", api.ReportViewSet, basename="api-report")

urlpatterns = [
    path("plans/<int:year>/progress/", api.ProgressView.as_view(), name="api-plan-progress"),
    *router.urls,
]
