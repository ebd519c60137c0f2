"""API routes of Distributed Map runs, mounted under /api/."""
from django.urls import path

from . import api

urlpatterns = [
    path("executions/<int:execution_id>/map-runs/", api.MapRunListView.as_view(), name="api-map-run-list"),
    path("executions/<int:execution_id>/map-runs/<slug:map_run_id>/children/<int:index>/history/",
         api.ChildHistoryView.as_view(), name="api-map-run-child-history"),
]
