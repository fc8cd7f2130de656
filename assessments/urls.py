"""Pages of the year-end assessment (assessments.views, assessments.views_results)."""

from django.urls import path

from assessments import views, views_results

# The pages (issue 20).
urlpatterns = [
    path("plans/<int:year>/assessment/", views.assessment_home, name="assessment-home"),
    path("plans/<int:year>/assessment/scheme/", views.assessment_scheme, name="assessment-scheme"),
    path("plans/<int:year>/assessment/air-quality/", views.assessment_air_quality, name="assessment-air-quality"),
    path("plans/<int:year>/assessments/<int:pk>/", views_results.assessment_detail, name="assessment-detail"),
    path(
        "plans/<int:year>/assessments/<int:pk>/counties/<str:code>/",
        views_results.assessment_county,
        name="assessment-county",
    ),
]
