"""REST API for simulated runs and saved test cases: parse, call one selector or service, answer.

Control commands are the websocket's (``commands.py``); their effects are broadcast to every
viewer of the run, as when they come from a websocket.
"""
from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from interpreter.events import Event
from interpreter.inspection import visits

from .. import live, selectors, simulation, timeline, workpool
from ..errors import InvalidInput
from ..models import ExecutionMode
from ..simulation import runner
from . import serializers as s
from .large import large_body, parse_body, spliced
from .parsers import BoundedJSONParser
from .schema import ERROR
from .views import _filename, _valid, _workflow

EVENTS_PAGE = 5000
MAX_SEQ = 2**31 - 1  # event numbers are 32-bit in the database


def _execution(request, execution_id: int):
    return simulation.execution_get(user=request.user, execution_id=execution_id)


def _test_case_out(tc, *, texts: bool = False) -> dict:
    """``texts``: input and mock_config left null, for an answer that splices in their stored text."""
    return {"id": tc.pk, "name": tc.name, "input": None if texts else tc.input,
            "mock_config": None if texts else tc.mock_config, "mock_test_case": tc.mock_test_case,
            "created": tc.created}


class TestCaseListView(APIView):
    __test__ = False
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=s.TestCaseSerializer(many=True), summary="Saved test cases of a workflow")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        return Response([_test_case_out(tc) for tc in simulation.test_case_list(workflow=workflow)])

    @extend_schema(request=s.TestCaseSerializer, responses={201: s.TestCaseSerializer},
                   summary="Save a test case: a name, an input and a mock config (editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        selectors.require_edit(user=request.user, workflow=workflow)
        body = large_body(request)
        if body is None:
            data = _valid(s.TestCaseSerializer, request.data)
            tc = simulation.test_case_create(user=request.user, workflow=workflow, **data)
            return Response(_test_case_out(tc), status=status.HTTP_201_CREATED)
        # Parsed, checked and serialised in a child; here only the write, and the answer made
        # of the stored texts.
        checked = workpool.run(test_case_checked, *body, what="Reading this test case")
        tc = simulation.test_case_create(user=request.user, workflow=workflow, checked=checked)
        return spliced(_test_case_out(tc, texts=True), {"input": tc.input_json, "mock_config": tc.mock_config_json},
                       status=status.HTTP_201_CREATED)


def test_case_checked(body: bytes, encoding: str) -> simulation.CheckedTestCase:
    """In a child: a test case's body read and checked as the small path does (the same errors)."""
    return simulation.test_case_checked(**_valid(s.TestCaseSerializer, parse_body(body, encoding)))


test_case_checked.__test__ = False


class TestCaseDetailView(APIView):
    __test__ = False

    @extend_schema(responses=s.TestCaseSerializer, summary="One saved test case")
    def get(self, request, workflow_id: int, test_case_id: int):
        workflow = _workflow(request, workflow_id)
        return Response(_test_case_out(simulation.test_case_get(workflow=workflow, test_case_id=test_case_id)))

    @extend_schema(responses={204: None}, summary="Delete a saved test case (editors)")
    def delete(self, request, workflow_id: int, test_case_id: int):
        workflow = _workflow(request, workflow_id)
        tc = simulation.test_case_get(workflow=workflow, test_case_id=test_case_id)
        simulation.test_case_delete(user=request.user, test_case=tc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExecutionListView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=s.ExecutionSummarySerializer(many=True), summary="Simulated runs, newest first")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        runs = simulation.execution_list(workflow=workflow)[:200]
        return Response(s.ExecutionSummarySerializer(runs, many=True).data)

    @extend_schema(request=s.ExecutionStartSerializer, responses={201: OpenApiTypes.OBJECT},
                   summary="Start a simulated run (editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        selectors.require(user=request.user, workflow=workflow, action="control_runs")
        data = _valid(s.ExecutionStartSerializer, request.data)
        kwargs = {"version_number": data.get("version"), "test_case_id": data.get("test_case"),
                  "mock_config": data.get("mock_config"), "mock_test_case": data.get("mock_test_case"),
                  "manual_callbacks": data["manual_callbacks"], "breakpoints": data["breakpoints"],
                  "speed": data["speed"], "seed": data.get("seed"), "workflow_type": data.get("type"),
                  "unmocked": data["unmocked"]}
        if "input" in data:
            kwargs["input"] = data["input"]
        execution, update = simulation.execution_start(user=request.user, workflow=workflow, **kwargs)
        live.publish_sync(update)
        return Response(_detail(execution), status=status.HTTP_201_CREATED)


def _detail(execution) -> dict:
    return {**simulation.execution_state(execution), "workflow": execution.workflow_id,
            "version": execution.version.number, "input": execution.input,
            "testCase": execution.test_case.name if execution.test_case else None,
            "mockTestCase": execution.mock_test_case, "manualCallbacks": execution.manual_callbacks,
            "unmocked": execution.unmocked,
            "type": execution.workflow_type,
            "startedBy": execution.started_by.username if execution.started_by else None,
            "created": execution.created.isoformat(),
            "websocket": f"/ws/executions/{execution.pk}/"}


class ExecutionDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Where a run stands")
    def get(self, request, execution_id: int):
        return Response(_detail(_execution(request, execution_id)))


class ExecutionEventsView(APIView):
    @extend_schema(parameters=[OpenApiParameter("after", int, description="events after this id (default 0)"),
                               OpenApiParameter("limit", int, description=f"at most this many (≤ {EVENTS_PAGE})")],
                   responses=OpenApiTypes.OBJECT, summary="A run's events, oldest first")
    def get(self, request, execution_id: int):
        execution = _execution(request, execution_id)
        after = _query_int(request, "after", 0)
        limit = min(_query_int(request, "limit", EVENTS_PAGE), EVENTS_PAGE)
        rows = [timeline.event_row(e) for e in
                simulation.execution_events_after(execution=execution, after=after, limit=limit)]
        return Response({"events": rows, "lastSeq": execution.last_seq,
                         "more": bool(rows) and rows[-1]["id"] < execution.last_seq})


class ExecutionControlView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=s.CommandSerializer, responses={200: OpenApiTypes.OBJECT, 409: ERROR},
                   summary="Step, continue, pause, abort, set breakpoints or speed, answer a callback (editors)")
    def post(self, request, execution_id: int):
        update = runner.command(user=request.user, execution_id=execution_id, body=request.data)
        live.publish_sync(update)
        execution = _execution(request, execution_id)
        if execution.mode == ExecutionMode.CONTINUING:
            runner.wake_after_commit(execution.pk)
        return Response(_detail(execution))


class ExecutionRedriveView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="Whether the run can be redriven (redriveStatus, redriveStatusReason), the Task steps "
                           "that failed and their mocked answers now")
    def get(self, request, execution_id: int):
        return Response(simulation.redrive_options(execution=_execution(request, execution_id)))

    @extend_schema(request=s.RedriveSerializer, responses={200: OpenApiTypes.OBJECT, 409: ERROR},
                   summary="Redrive a run that failed, timed out or was aborted, as RedriveExecution does, "
                           "optionally changing a step's mocked answer first (editors)")
    def post(self, request, execution_id: int):
        data = request.data if request.data is not None else {}
        if not isinstance(data, dict):
            raise InvalidInput('The request body must be a JSON object: {} or {"mock_override": {...}}.')
        unknown = sorted(set(data) - {"mock_override"})
        if unknown:
            raise InvalidInput(f"Unknown field '{unknown[0]}': the body takes mock_override only.", field=unknown[0])
        body = {"command": "redrive", "mock_override": data.get("mock_override")}
        update = runner.command(user=request.user, execution_id=execution_id, body=body)
        live.publish_sync(update)
        execution = _execution(request, execution_id)
        runner.wake_after_commit(execution.pk)
        return Response(_detail(execution))


class ExecutionExportView(APIView):
    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT},
                   summary="The whole history, shaped like GetExecutionHistory")
    def get(self, request, execution_id: int):
        execution = _execution(request, execution_id)
        body = {"events": [Event(e.seq, e.previous_event_id, e.type, e.timestamp, e.details).to_aws()
                           for e in simulation.execution_events_after(execution=execution)]}
        response = HttpResponse(json.dumps(body, indent=2, ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
        name = f"{_filename(execution.workflow.name)}-{_filename(execution.name)}-history.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ExecutionDataFlowView(APIView):
    @extend_schema(parameters=[OpenApiParameter("state", str, required=True)], responses=OpenApiTypes.OBJECT,
                   summary="A state's data flow in this run, stage by stage (AWS TestState's names)")
    def get(self, request, execution_id: int):
        return Response(dataflow(_execution(request, execution_id), request.query_params.get("state")))


def dataflow(execution, name: str | None) -> dict:
    """A state's visits in a run, stage by stage (also read through share links)."""
    if not name:
        raise InvalidInput("Say which state: ?state=<name>.", field="state")
    machine = simulation.machine_of(execution)
    if not any(name in program.states for program in machine.programs.values()):
        raise InvalidInput(f"There is no state called '{name}' in this run's version.", field="state")
    rows = [timeline.event_row(e) for e in execution.events.filter(step=name).order_by("seq")]
    context = {"Id": f"arn:aws:states:us-east-1:123456789012:execution:{execution.name}", "Input": execution.input,
               "Name": execution.name}
    return {"state": name, "visits": visits(machine, rows, name, execution=context)}


def _query_int(request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()):
        raise InvalidInput(f"{name} must be a whole number.", field=name)
    return min(int(value), MAX_SEQ)
