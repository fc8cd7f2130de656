# API routes under /api/v1/; included from yuncheng_heating/urls.py.
from django.urls import path

from inspections import api
from inspections import api_rectifications as rect
from inspections import api_spot_checks as spot

P = "plans/<int:year>/inspections/"

urlpatterns = [
    path(P + "samples/", api.SampleListView.as_view(), name="api-inspection-samples"),
    path(P + "samples/<int:pk>/", api.SampleDetailView.as_view(), name="api-inspection-sample"),
    path(P + "samples/<int:pk>/verify/", api.SampleVerifyView.as_view(), name="api-inspection-sample-verify"),
    path(P + "samples/<int:pk>/assign/", api.SampleAssignView.as_view(), name="api-inspection-sample-assign"),
    path(P + "tasks/", api.TaskListView.as_view(), name="api-inspection-tasks"),
    path(P + "visits/", api.VisitListView.as_view(), name="api-inspection-visits"),
    path(P + "visits/<int:pk>/", api.VisitDetailView.as_view(), name="api-inspection-visit"),
    path(P + "photos/<int:pk>/", api.PhotoView.as_view(), name="api-inspection-photo"),
    path(P + "summary/", rect.InspectionSummaryView.as_view(), name="api-inspection-summary"),
    path(P + "export.xlsx", rect.InspectionExportView.as_view(), name="api-inspection-export"),
    path("plans/<int:year>/rectifications/", rect.RectificationListView.as_view(), name="api-rectifications"),
    path("plans/<int:year>/rectifications/<int:pk>/", rect.RectificationDetailView.as_view(), name="api-rectification"),
    path(
        "plans/<int:year>/rectifications/<int:pk>/resolve/",
        rect.RectificationResolveView.as_view(),
        name="api-rectification-resolve",
    ),
    path(
        "plans/<int:year>/rectifications/<int:pk>/close/",
        rect.RectificationCloseView.as_view(),
        name="api-rectification-close",
    ),
    path(
        "plans/<int:year>/rectifications/<int:pk>/return/",
        rect.RectificationReturnView.as_view(),
        name="api-rectification-return",
    ),
    # Once the roster's; the same URLs and names, now over the inspections' visits.
    path("plans/<int:year>/spot-checks/", spot.SpotCheckListView.as_view(), name="api-spot-checks"),
    path("plans/<int:year>/spot-checks/summary/", spot.SpotCheckSummaryView.as_view(), name="api-spot-checks-summary"),
]
