"""API routes of suites, mounted under /api/."""
from django.urls import path

from . import api, fit_api

urlpatterns = [
    path("workflows/<int:workflow_id>/suite/", api.SuiteView.as_view(), name="api-suite"),
    path("workflows/<int:workflow_id>/suite/test-cases/", api.CaseWithExpectationsView.as_view(),
         name="api-suite-test-case-create"),
    path("workflows/<int:workflow_id>/test-cases/<int:test_case_id>/expectations/", api.ExpectationsView.as_view(),
         name="api-test-case-expectations"),
    path("workflows/<int:workflow_id>/suite-runs/", api.SuiteRunListView.as_view(),
         name="api-suite-run-list"),
    path("workflows/<int:workflow_id>/suite-runs/<int:suite_run_id>/", api.SuiteRunDetailView.as_view(),
         name="api-suite-run-detail"),
    path("workflows/<int:workflow_id>/suite-runs/<int:suite_run_id>/cases/<int:index>/open/",
         api.SuiteCaseOpenView.as_view(), name="api-suite-case-open"),
    path("workflows/<int:workflow_id>/versions/<int:number>/suggestions/",
         api.SuggestionsView.as_view(), name="api-version-suggestions"),
    path("workflows/<int:workflow_id>/versions/<int:number>/bundle/", api.BundleView.as_view(),
         name="api-version-bundle"),
    path("workflows/<int:workflow_id>/versions/<int:number>/test-cases/<int:test_case_id>/fit/",
         fit_api.TestCaseFitView.as_view(), name="api-test-case-fit"),
    path("workflows/<int:workflow_id>/versions/<int:number>/test-cases/<int:test_case_id>/fix/",
         fit_api.TestCaseFixView.as_view(), name="api-test-case-fix"),
    path("workflows/<int:workflow_id>/bundle/", api.BundleView.as_view(), name="api-workflow-bundle"),
]
