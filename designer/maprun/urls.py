"""API routes of Distributed Map runs, mounted under /api/."""
from django.urls import path

from . import api

urlpatterns = [
    path("executions/<int:execution_id>/map-runs/", api.MapRunListView.as_view(), name="api-map-run-list"),
]
