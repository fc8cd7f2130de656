"""Pages of the year-end assessment (filled by assessments.views)."""

from django.urls import path

from assessments import download_views

urlpatterns: list = [
    # Files, not pages (assessments.download_views).
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
