"""REST API for suites: expectations, suite runs, opening a case in the simulator, suggestions,
the hand-over bundle. Each view parses, calls one service or selector, and answers."""
from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from interpreter.testing.checks import describe
from interpreter.testing.spec import read_spec

from .. import live, selectors, simulation
from ..api.parsers import BoundedJSONParser
from ..api.schema import ERROR
from ..api.views import _filename, _valid, _workflow
from ..errors import InvalidInput, NotFound
from ..graph import edge_dom_id, state_dom_id
from ..review import selectors as review_selectors
from ..simulation import runner
from ..simulation.services import machine_name
from . import selectors as suite_selectors
from . import services
from .bundle import bundle
from .models import SuiteRun


class ExpectationsSerializer(serializers.Serializer):
    expectations = serializers.JSONField(help_text='{"callbacks": [...], "expect": {...}}: see README')


class SuiteRunStartSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text="default: the latest version")
    definition = serializers.JSONField(required=False, help_text="unsaved changes to test instead (not stored)")


class CaseWithExpectationsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    input = serializers.JSONField(required=False, default=dict)
    mock_config = serializers.JSONField(required=False, default=dict)
    mock_test_case = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    expectations = serializers.JSONField(required=False, default=dict)


def _words(spec: dict) -> str:
    return describe(read_spec(spec)[0])


def _case_out(tc) -> dict:
    spec = suite_selectors.expectations_of(tc)
    return {"id": tc.pk, "name": tc.name, "input": tc.input, "mock_test_case": tc.mock_test_case,
            "expectations": spec, "words": _words(spec)}


def _coverage_out(coverage: dict) -> dict:
    """The coverage with the SVG ids of the graph's nodes and edges, for drawing it."""
    out = dict(coverage)
    out["stateItems"] = [{**item, "domId": state_dom_id(item["name"])} for item in coverage.get("stateItems", [])]
    out["edgeItems"] = [{**item, "domId": edge_dom_id(item["id"]) if item["kind"] != "retry" else
                         state_dom_id(item["from"])} for item in coverage.get("edgeItems", [])]
    return out


def suite_run_out(run: SuiteRun, *, full: bool = True) -> dict:
    out = {"id": run.pk, "version": run.version.number, "created": run.created.isoformat(), "passed": run.passed,
           "total": run.total, "summary": run.summary, "seconds": run.seconds,
           "startedBy": run.started_by.username if run.started_by else None}
    if full:
        cases = []
        for i, case in enumerate(run.results):
            case = {k: v for k, v in case.items() if k != "ran"}
            case["index"] = i
            case["open"] = f"/api/workflows/{run.workflow_id}/suite-runs/{run.pk}/cases/{i}/open/"
            if case.get("execution"):
                case["executionUrl"] = f"/executions/{case['execution']}/"
            cases.append(case)
        out["cases"] = cases
        out["coverage"] = _coverage_out(run.coverage)
    return out


class SuiteView(APIView):
    @extend_schema(parameters=[OpenApiParameter("version", int, description="default: the latest")],
                   responses=OpenApiTypes.OBJECT,
                   summary="The workflow's test cases with their expectations, and the version's last suite run")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        number = request.query_params.get("version")
        version = selectors.version_get(workflow=workflow, number=_int(number, "version")) if number else \
            selectors.version_latest(workflow=workflow)
        latest = None
        if version is not None:
            run = suite_selectors.suite_run_list(workflow=workflow, version_number=version.number).first()
            latest = suite_run_out(run) if run else None
        cases = [_case_out(tc) for tc in simulation.test_case_list(workflow=workflow).select_related("spec")]
        return Response({"version": version.number if version else None, "testCases": cases, "latest": latest})


def _int(text, field: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a whole number.", field=field) from None


class ExpectationsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="A test case's expectations, and in words")
    def get(self, request, workflow_id: int, test_case_id: int):
        workflow = _workflow(request, workflow_id)
        return Response(_case_out(simulation.test_case_get(workflow=workflow, test_case_id=test_case_id)))

    @extend_schema(request=ExpectationsSerializer, responses=OpenApiTypes.OBJECT,
                   summary="Set a test case's expectations and the callbacks answered in it (editors)")
    def put(self, request, workflow_id: int, test_case_id: int):
        workflow = _workflow(request, workflow_id)
        tc = simulation.test_case_get(workflow=workflow, test_case_id=test_case_id)
        data = _valid(ExpectationsSerializer, request.data)
        services.expectations_set(user=request.user, test_case=tc, expectations=data["expectations"])
        return Response(_case_out(tc))


class CaseWithExpectationsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=CaseWithExpectationsSerializer, responses={201: OpenApiTypes.OBJECT},
                   summary="Save a test case with its expectations, e.g. a suggested one (editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        selectors.require_edit(user=request.user, workflow=workflow)
        data = _valid(CaseWithExpectationsSerializer, request.data)
        tc = services.test_case_with_expectations_create(user=request.user, workflow=workflow, **data)
        return Response(_case_out(tc), status=status.HTTP_201_CREATED)


class SuiteRunListView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(parameters=[OpenApiParameter("version", int)],
                   responses={200: OpenApiResponse(response=build_array_type(build_basic_type(OpenApiTypes.OBJECT)))},
                   summary="Suite runs, newest first (summaries)")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        number = request.query_params.get("version")
        runs = suite_selectors.suite_run_list(workflow=workflow,
                                              version_number=_int(number, "version") if number else None)[:100]
        return Response([suite_run_out(r, full=False) for r in runs])

    @extend_schema(request=SuiteRunStartSerializer, responses={201: OpenApiTypes.OBJECT, 422: ERROR},
                   summary="Run every test case against a version (stored), or against unsaved changes")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        data = _valid(SuiteRunStartSerializer, request.data if request.data is not None else {})
        if "definition" in data:
            return Response(services.suite_try(user=request.user, workflow=workflow, definition=data["definition"]))
        run = services.suite_run(user=request.user, workflow=workflow, version_number=data.get("version"))
        return Response(suite_run_out(run), status=status.HTTP_201_CREATED)


class SuiteRunDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One suite run: each case and the coverage")
    def get(self, request, workflow_id: int, suite_run_id: int):
        workflow = _workflow(request, workflow_id)
        run = suite_selectors.suite_run_get(user=request.user, workflow=workflow, suite_run_id=suite_run_id)
        return Response(suite_run_out(run))


class SuiteCaseOpenView(APIView):
    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT, 422: ERROR},
                   summary="Open one case of a suite run in the simulator (the run is made on first open)")
    def post(self, request, workflow_id: int, suite_run_id: int, index: int):
        workflow = _workflow(request, workflow_id)
        run = suite_selectors.suite_run_get(user=request.user, workflow=workflow, suite_run_id=suite_run_id)
        execution_id, update = runner.case_open(user=request.user, suite=run, index=index)
        if update is not None:
            live.publish_sync(update)
        execution = workflow.executions.get(pk=execution_id)
        return Response({"execution": execution.pk, "url": f"/executions/{execution.pk}/",
                         "status": execution.status}, status=status.HTTP_201_CREATED)


class SuggestionsView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 422: ERROR},
                   summary="Suggested test cases for the Choice rules, Defaults and Catches no case takes yet")
    def get(self, request, workflow_id: int, number: int):
        workflow = _workflow(request, workflow_id)
        version = selectors.version_get(workflow=workflow, number=number)
        return Response(services.suggestions_for(user=request.user, workflow=workflow, version=version))


class BundleView(APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY},
                   summary="The hand-over bundle of a version (without one: the released version, else the latest): "
                           "ASL, SAM, Terraform, mock config, tests, README")
    def get(self, request, workflow_id: int, number: int | None = None):
        workflow = _workflow(request, workflow_id)
        version = selectors.version_get(workflow=workflow, number=number) if number is not None else \
            review_selectors.version_for_export(workflow=workflow)
        if version is None:
            raise NotFound("This workflow has no version to hand over.")
        number = version.number
        cases = [case for _, case in services.suite_cases(workflow)]
        latest = suite_selectors.suite_run_list(workflow=workflow, version_number=number).first()
        name = machine_name(workflow.name)
        data = bundle(workflow_name=workflow.name, machine_name=name, version=number, definition=version.definition,
                      cases=cases, summary=latest.summary if latest else None, workflow_type=workflow.workflow_type)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{_filename(workflow.name)}-v{number}-handover.zip"'
        return response
