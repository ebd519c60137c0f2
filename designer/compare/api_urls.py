from django.urls import path

from . import api

urlpatterns = [
    path("explain/", api.ExplainView.as_view(), name="api-explain"),
    path("workflows/<int:workflow_id>/compare/", api.CompareView.as_view(), name="api-compare"),
    path("workflows/<int:workflow_id>/compare/behaviour/", api.BehaviourView.as_view(),
         name="api-compare-behaviour"),
    path("workflows/<int:workflow_id>/versions/<int:number>/narrative/", api.NarrativeView.as_view(),
         name="api-version-narrative"),
]
