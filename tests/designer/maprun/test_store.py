"""A simulated run's Distributed Map children that succeeded are stored in their own rows, out
of the run's snapshot, and put back when the run is restored from the database."""
from __future__ import annotations

import json

import pytest

from designer import services, simulation
from designer.maprun.models import StoredChildren, StoredInputs
from designer.models import Execution
from designer.simulation import engine, runner

pytestmark = pytest.mark.django_db

ITEMS = 5
DEFINITION = {"StartAt": "Fan", "States": {"Fan": {
    "Type": "Map", "ItemsPath": "$.items", "End": True,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Ask", "States": {"Ask": {
                          "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                          "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                          "End": True}}}}}}


def _snapshot_children(execution) -> list:
    snapshot = json.loads(Execution.objects.get(pk=execution.pk).snapshot_json)
    return snapshot["mapRuns"][0]["children"]


def test_succeeded_children_leave_the_snapshot_and_come_back_on_restore(users):
    owner = users["owner"]
    workflow = services.workflow_create(owner=owner, name="Fan out", definition=DEFINITION)
    execution, _ = simulation.execution_start(user=owner, workflow=workflow, seed=3,
                                              input={"items": list(range(ITEMS))})
    simulation.execution_continue(user=owner, execution=execution)
    while (update := runner.execution_advance(execution_id=execution.pk, runner_id="test")) and not update.stop:
        pass  # until the children wait for their callbacks
    tokens = list(engine._interpreter(Execution.objects.get(pk=execution.pk)).run.waiting_tokens())
    assert len(tokens) == ITEMS
    for n, token in enumerate(tokens[:3]):
        simulation.execution_send_task_success(user=owner, execution=Execution.objects.get(pk=execution.pk),
                                               token=token, output={"answer": n})
    children = _snapshot_children(execution)
    assert children[0] == {"times": 3, "of": 0}  # stored elsewhere: the snapshot keeps only the live ones
    assert len(children) == 1 + ITEMS - 3
    snapshot = json.loads(Execution.objects.get(pk=execution.pk).snapshot_json)
    assert snapshot["mapRuns"][0]["inputs"] is None  # written once, in their own rows
    assert [i for row in StoredInputs.objects.filter(execution=execution)
            for i in json.loads(row.inputs_json)] == list(range(ITEMS))
    stored = [pair for row in StoredChildren.objects.filter(execution=execution)
              for pair in json.loads(row.children_json)]
    assert sorted(pair[1]["finished"][1]["answer"] for pair in stored) == [0, 1, 2]
    engine.forget(execution.pk)  # another process: the run comes back from the database
    for n, token in enumerate(tokens[3:], start=3):
        simulation.execution_send_task_success(user=owner, execution=Execution.objects.get(pk=execution.pk),
                                               token=token, output={"answer": n})
    done = Execution.objects.get(pk=execution.pk)
    assert done.status == "SUCCEEDED"
    assert sorted(o["answer"] for o in done.output) == [0, 1, 2, 3, 4]
    assert StoredChildren.objects.filter(execution=execution).count() >= 2
    execution.delete()
    assert not StoredChildren.objects.filter(execution_id=done.pk).exists()


def test_many_inputs_are_stored_in_bounded_rows_and_come_back_in_order(users, monkeypatch):
    from designer.maprun import store

    monkeypatch.setattr(store, "ROW_BYTES", 200)
    owner = users["owner"]
    workflow = services.workflow_create(owner=owner, name="Fan out", definition=DEFINITION)
    items = [{"n": n, "pad": "z" * 30} for n in range(40)]
    execution, _ = simulation.execution_start(user=owner, workflow=workflow, seed=3, input={"items": items})
    simulation.execution_continue(user=owner, execution=execution)
    while (update := runner.execution_advance(execution_id=execution.pk, runner_id="test")) and not update.stop:
        pass
    rows = list(StoredInputs.objects.filter(execution=execution))
    assert len(rows) > 5 and all(len(r.inputs_json) <= 200 for r in rows)
    engine.forget(execution.pk)
    run = engine._interpreter(Execution.objects.get(pk=execution.pk)).run
    (map_run,) = run.map_runs.values()
    assert map_run.inputs == items and len(run.waiting_tokens()) == 40
