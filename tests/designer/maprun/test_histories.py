"""Children's histories of a simulated run's Distributed Map are written to their own rows as the
children end, in bounded rows and statements, and read back through the API."""
from __future__ import annotations

import pytest
from django.db import connection

from designer import services, simulation
from designer.maprun import store
from designer.maprun.models import ChildHistory
from designer.simulation import runner

pytestmark = pytest.mark.django_db

DEFINITION = {"StartAt": "Fan", "States": {"Fan": {
    "Type": "Map", "ItemsPath": "$.items", "End": True, "ToleratedFailureCount": 5,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Check", "States": {
                          "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 2,
                                                                   "Next": "Bad"}], "Default": "Work"},
                          "Work": {"Type": "Pass", "Parameters": {"n.$": "$.n", "text.$": "$.text"}, "Next": "Done"},
                          "Done": {"Type": "Pass", "End": True},
                          "Bad": {"Type": "Fail", "Error": "TooBig", "Cause": "n above 2"}}}}}}


def _run_to_the_end(users, items: list) -> int:
    workflow = services.workflow_create(owner=users["owner"], name="Fan out", definition=DEFINITION)
    services.membership_set(user=users["owner"], workflow=workflow, username="viewer", role="viewer")
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, seed=5,
                                              input={"items": items})
    simulation.execution_continue(user=users["owner"], execution=execution)
    while (update := runner.execution_advance(execution_id=execution.pk, runner_id="t", max_transitions=3)) \
            and not update.stop:
        pass
    return execution.pk


def test_each_childs_history_is_read_back_through_the_api(users, client_for):
    execution_id = _run_to_the_end(users, [{"n": n, "text": "x"} for n in range(5)])
    viewer = client_for("viewer")
    (run,) = viewer.get(f"/api/executions/{execution_id}/map-runs/").json()["mapRuns"]
    assert run["executionCounts"]["succeeded"] == 3 and run["executionCounts"]["failed"] == 2
    for index in range(5):
        response = viewer.get(f"/api/executions/{execution_id}/map-runs/{run['id']}/children/{index}/history/")
        assert response.status_code == 200, response.json()
        history = response.json()
        types = [e["type"] for e in history["events"]]
        assert history["mapRunArn"] == run["mapRunArn"] and history["index"] == index
        assert types[0] == "ExecutionStarted" and [e["id"] for e in history["events"]] == list(range(1, len(types) + 1))
        assert history["events"][0]["details"]["input"] == {"n": index, "text": "x"}
        if index > 2:
            assert history["status"] == "FAILED" and types[-1] == "ExecutionFailed"
        else:
            assert history["status"] == "SUCCEEDED" and types[-1] == "ExecutionSucceeded"
            assert history["events"][-1]["details"]["output"] == {"n": index, "text": "x"}
    missing = viewer.get(f"/api/executions/{execution_id}/map-runs/{run['id']}/children/9/history/")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    other = viewer.get(f"/api/executions/{execution_id}/map-runs/no-such-run/children/0/history/")
    assert other.status_code == 404
    assert client_for("stranger").get(f"/api/executions/{execution_id}/map-runs/{run['id']}/children/0/history/")\
        .status_code == 404


def test_long_histories_take_several_rows_and_no_statement_passes_the_bound(users, client_for, monkeypatch):
    monkeypatch.setattr(store, "ROW_BYTES", 400)   # a child's history: several rows
    monkeypatch.setattr(store, "WRITE_BYTES", 3000)  # a batch's rows: several statements
    inserts = []

    def measure(execute, sql, params, many, context):
        if "maprun_childhistory" in sql and sql.lstrip().upper().startswith("INSERT"):
            inserts.append(sum(len(p) for p in params if isinstance(p, str)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(measure):
        execution_id = _run_to_the_end(users, [{"n": n % 3, "text": "y" * 150} for n in range(12)])
    assert len(inserts) > 3 and max(inserts) <= 3000
    rows = ChildHistory.objects.filter(execution_id=execution_id, child_index=4)
    assert rows.count() >= 2
    (run,) = client_for("owner").get(f"/api/executions/{execution_id}/map-runs/").json()["mapRuns"]
    history = client_for("owner").get(f"/api/executions/{execution_id}/map-runs/{run['id']}/children/4/history/").json()
    assert [e["id"] for e in history["events"]] == list(range(1, len(history["events"]) + 1))
    assert history["events"][-1]["type"] == "ExecutionSucceeded"
