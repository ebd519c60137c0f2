from django.urls import path

from ..suites.offload import off_the_request_thread
from . import api

urlpatterns = [
    path("explain/", api.ExplainView.as_view(), name="api-explain"),
    path("workflows/<int:workflow_id>/compare/", api.CompareView.as_view(), name="api-compare"),
    # Running every test case twice can take seconds: off the one thread synchronous views share.
    path("workflows/<int:workflow_id>/compare/behaviour/", off_the_request_thread(api.BehaviourView),
         name="api-compare-behaviour"),
    path("workflows/<int:workflow_id>/versions/<int:number>/narrative/", api.NarrativeView.as_view(),
         name="api-version-narrative"),
]
