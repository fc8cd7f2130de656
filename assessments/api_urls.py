"""API of the year-end assessment, under /api/v1/ (filled by assessments.api)."""

urlpatterns: list = []
