"""API of the year-end assessment, under /api/v1/ (assessments.api)."""

from django.urls import path

from assessments import api

P = "plans/<int:year>/assessments/<int:pk>/"

urlpatterns = [
    path("plans/<int:year>/assessment/scheme/", api.SchemeView.as_view(), name="api-assessment-scheme"),
    path("plans/<int:year>/assessment/air-quality/", api.AirQualityView.as_view(), name="api-assessment-air-quality"),
    path("plans/<int:year>/assessments/", api.AssessmentListView.as_view(), name="api-assessments"),
    path(P, api.AssessmentDetailView.as_view(), name="api-assessment"),
    path(P + "counties/<str:code>/", api.AssessmentCountyView.as_view(), name="api-assessment-county"),
    path(P + "adjustments/", api.AdjustmentsView.as_view(), name="api-assessment-adjustments"),
    path(P + "publish/", api.AssessmentPublishView.as_view(), name="api-assessment-publish"),
    path(P + "finalize/", api.AssessmentFinalizeView.as_view(), name="api-assessment-finalize"),
    path(P + "objections/", api.ObjectionsView.as_view(), name="api-assessment-objections"),
    path(
        P + "objections/<int:oid>/answer/",
        api.ObjectionAnswerView.as_view(),
        name="api-assessment-objection-answer",
    ),
    path(
        P + "objections/<int:oid>/attachment",
        api.ObjectionAttachmentView.as_view(),
        name="api-assessment-objection-attachment",
    ),
    path(P + "export.xlsx", api.AssessmentExportView.as_view(), name="api-assessment-export"),
    path(P + "notice.docx", api.AssessmentNoticeView.as_view(), name="api-assessment-notice"),
]
