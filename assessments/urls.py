"""Pages of the year-end assessment (assessments.views, assessments.views_results) and its files
(assessments.download_views)."""

from django.urls import path

from assessments import download_views, views, views_results

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
    # Files, not pages.
    path(
        "plans/<int:year>/assessments/<int:pk>/export.xlsx",
        download_views.assessment_export,
        name="assessment-export",
    ),
    path(
        "plans/<int:year>/assessments/<int:pk>/notice.docx",
        download_views.assessment_notice,
        name="assessment-notice",
    ),
    path(
        "plans/<int:year>/assessments/<int:pk>/objections/<int:oid>/attachment",
        download_views.objection_attachment,
        name="assessment-objection-attachment",
    ),
]
