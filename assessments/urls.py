"""Pages of the year-end assessment (filled by assessments.views)."""

urlpatterns: list = []
