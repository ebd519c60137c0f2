from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from . import simulation_views as sim
from . import views
from .parsers import BoundedJSONParser
from ..simulation.api import ProposedInputView

# DRF's token view brings its own (unbounded) JSON parser.
obtain_auth_token = ObtainAuthToken.as_view(parser_classes=[BoundedJSONParser, FormParser, MultiPartParser])

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("workflows/", views.WorkflowListView.as_view(), name="api-workflow-list"),
    path("workflows/import/", views.WorkflowImportView.as_view(), name="api-workflow-import"),
    path("workflows/import/preview/", views.ImportPreviewView.as_view(), name="api-import-preview"),
    path("workflows/<int:workflow_id>/", views.WorkflowDetailView.as_view(), name="api-workflow-detail"),
    path("workflows/<int:workflow_id>/versions/", views.VersionListView.as_view(), name="api-version-list"),
    path("workflows/<int:workflow_id>/import/", views.VersionImportView.as_view(), name="api-version-import"),
    path("workflows/<int:workflow_id>/versions/<int:number>/", views.VersionDetailView.as_view(),
         name="api-version-detail"),
    path("workflows/<int:workflow_id>/versions/<int:number>/export/<str:fmt>/", views.VersionExportView.as_view(),
         name="api-version-export"),
    path("workflows/<int:workflow_id>/draft/", views.DraftView.as_view(), name="api-draft"),
    path("workflows/<int:workflow_id>/test-cases/", sim.TestCaseListView.as_view(), name="api-test-case-list"),
    path("workflows/<int:workflow_id>/test-cases/<int:test_case_id>/", sim.TestCaseDetailView.as_view(),
         name="api-test-case-detail"),
    path("workflows/<int:workflow_id>/executions/", sim.ExecutionListView.as_view(), name="api-execution-list"),
    path("executions/<int:execution_id>/", sim.ExecutionDetailView.as_view(), name="api-execution-detail"),
    path("executions/<int:execution_id>/events/", sim.ExecutionEventsView.as_view(), name="api-execution-events"),
    path("executions/<int:execution_id>/control/", sim.ExecutionControlView.as_view(), name="api-execution-control"),
    path("executions/<int:execution_id>/redrive/", sim.ExecutionRedriveView.as_view(), name="api-execution-redrive"),
    path("executions/<int:execution_id>/export/", sim.ExecutionExportView.as_view(), name="api-execution-export"),
    path("executions/<int:execution_id>/dataflow/", sim.ExecutionDataFlowView.as_view(),
         name="api-execution-dataflow"),
    path("", include("designer.suites.urls")),
    path("", include("designer.compare.api_urls")),
    path("", include("designer.glossary.urls")),
    path("", include("designer.maprun.urls")),
    path("workflows/<int:workflow_id>/proposed-input/", ProposedInputView.as_view(), name="api-proposed-input"),
    path("", include("designer.access.api")),
    path("", include("designer.review.api.urls")),
    path("validate/", views.ValidateView.as_view(), name="api-validate"),
    path("render/", views.RenderView.as_view(), name="api-render"),
]
